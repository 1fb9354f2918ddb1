"""Map a file's records to problems without code per benchmark: known field names, tried in order."""

from ..errors import DataFileError
from .answers import gold_from_value
from .problem import Problem

QUESTION_FIELDS = ("problem", "question", "Problem", "Question", "query", "prompt", "input")
ANSWER_FIELDS = ("answer", "final_answer", "Answer", "gt", "ground_truth", "target", "label")
SOLUTION_FIELDS = ("solution", "Solution", "output", "response")
LEVEL_FIELDS = ("level", "difficulty", "Level")


def choose_field(
    kind: str, fields: list[str], candidates: tuple[str, ...], override: str | None, name: str
) -> str:
    """The override if the records have it, else the first known candidate they have."""
    seen = ", ".join(fields)
    if override is not None:
        if override not in fields:
            raise DataFileError(
                f"{name}: --{kind}-field '{override}' is not a field of its records (they have: {seen}).",
                f"Pass --{kind}-field with one of: {seen}.",
            )
        return override
    for candidate in candidates:
        if candidate in fields:
            return candidate
    hint = " (a solution-like field works: its last \\boxed{} is used)" if kind == "answer" else ""
    raise DataFileError(
        f"{name}: no {kind} field found; its records have: {seen}.",
        f"Pass --{kind}-field NAME{hint}.",
    )


def map_records(
    records: list[dict],
    *,
    name: str,
    stem: str,
    source: str,
    question_field: str | None,
    answer_field: str | None,
) -> tuple[list[Problem], str, str]:
    """Problems from records, plus the question and answer fields used; errors name the record at fault."""
    fields = list(records[0])
    question_key = choose_field("question", fields, QUESTION_FIELDS, question_field, name)
    answer_key = choose_field("answer", fields, ANSWER_FIELDS + SOLUTION_FIELDS, answer_field, name)
    level_key = next((field for field in LEVEL_FIELDS if field in fields), None)
    problems = []
    for index, record in enumerate(records):
        question = record.get(question_key)
        if not isinstance(question, str) or not question.strip():
            raise DataFileError(
                f"{name}, record {index + 1}: field '{question_key}' is missing or not a non-empty string.",
                "Fix that record or pass --question-field with a field every record has.",
            )
        level = record.get(level_key) if level_key else None
        problems.append(
            Problem(
                prompt_id=f"{stem}-{index:05d}",
                problem=question,
                answer=gold_from_value(record.get(answer_key), solution=answer_key in SOLUTION_FIELDS),
                level=None if level is None else str(level),
                source=source,
            )
        )
    if all(problem.answer is None for problem in problems):
        raise DataFileError(
            f"{name}: field '{answer_key}' holds no answer in any record (fields: {', '.join(fields)}).",
            "Pass --answer-field naming the gold answer, or a solution that ends in \\boxed{}.",
        )
    return problems, question_key, answer_key
