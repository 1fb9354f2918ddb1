"""Loading the real benchmark files and hand-written files: field detection, gold answers, errors."""

import hashlib
import json

import pytest

from semspace.data import Problem, load_problems
from semspace.errors import DataFileError, InvalidInputError

# The README's table of the shared files.
EXPECTED_COUNTS = {
    "math500": 500,
    "gsm8k": 1319,
    "aime24": 30,
    "amc23": 40,
    "amc24": 45,
    "minerva_math": 272,
    "gaokao2024_I": 14,
    "gaokao2024_II": 14,
}


def write_lines(path, *records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


@pytest.mark.parametrize("stem", sorted(EXPECTED_COUNTS))
def test_every_shared_file_loads_with_no_options(shared_data, stem):
    path = shared_data / f"{stem}.jsonl"
    problem_set = load_problems(str(path))
    assert len(problem_set.problems) == EXPECTED_COUNTS[stem]
    assert problem_set.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert problem_set.source == str(path)
    ids = [problem.prompt_id for problem in problem_set.problems]
    assert len(set(ids)) == len(ids)
    assert ids[0] == f"{stem}-00000"
    assert all(isinstance(problem, Problem) for problem in problem_set.problems)
    assert all(problem.problem.strip() and problem.answer for problem in problem_set.problems)
    assert {problem.source for problem in problem_set.problems} == {stem}


def test_gsm8k_gold_is_the_number_after_hashes(shared_data):
    problem_set = load_problems(str(shared_data / "gsm8k.jsonl"))
    assert problem_set.question_field == "question"
    assert problem_set.problems[0].answer == "18"  # "... every day at the farmer's market.\n#### 18"
    assert problem_set.problems[0].problem.startswith("Janet\u2019s ducks lay 16 eggs per day.")
    assert problem_set.problems[146].answer == "2125"  # "#### 2,125": the comma is dropped


def test_minerva_gold_is_the_last_boxed_of_the_solution(shared_data):
    problems = load_problems(str(shared_data / "minerva_math.jsonl")).problems
    assert problems[0].answer == "1.6"  # "=\boxed{1.6} \mathrm{~cm}"
    assert problems[77].answer == r"\frac{1}{4-\omega^{2}}"  # nested braces kept whole


def test_math500_latex_answer_and_level(shared_data):
    first = load_problems(str(shared_data / "math500.jsonl")).problems[0]
    assert first.answer == r"\left( 3, \frac{\pi}{2} \right)"
    assert first.level == "2"
    assert first.problem.startswith("Convert the point $(0,3)$ in rectangular coordinates")


def test_amc23_numeric_answers_become_text(shared_data):
    problems = load_problems(str(shared_data / "amc23.jsonl")).problems
    assert [problem.answer for problem in problems[:3]] == ["27.0", "36.0", "45.0"]


@pytest.mark.parametrize("stem", ["aime24", "amc23"])
def test_problem_is_preferred_over_an_identical_question(shared_data, stem):
    path = shared_data / f"{stem}.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert all(record["problem"] == record["question"] for record in records)
    assert load_problems(str(path)).question_field == "problem"
    assert load_problems(str(path), question_field="question").question_field == "question"


def test_gaokao_uses_question_field(shared_data):
    problem_set = load_problems(str(shared_data / "gaokao2024_I.jsonl"))
    assert problem_set.question_field == "question"
    assert [problem.answer for problem in problem_set.problems[:3]] == ["A", "C", "D"]


def test_limit_takes_the_first_problems(shared_data):
    full = load_problems(str(shared_data / "amc24.jsonl"))
    first = load_problems(str(shared_data / "amc24.jsonl"), limit=5)
    assert first.problems == full.problems[:5]
    with pytest.raises(InvalidInputError):
        load_problems(str(shared_data / "amc24.jsonl"), limit=0)


def test_answer_field_naming_a_solution_uses_its_boxed_answer(shared_data):
    problem_set = load_problems(str(shared_data / "math500.jsonl"), answer_field="solution", limit=2)
    assert problem_set.answer_field == "solution"
    assert problem_set.problems[0].answer == r"\left( 3, \frac{\pi}{2} \right)"
    assert problem_set.problems[1].answer == "p - q"


def test_field_overrides_on_a_custom_file(tmp_path):
    path = write_lines(
        tmp_path / "custom.jsonl",
        {"q": "Half of one?", "work": r"It is \boxed{\frac{1}{2}}.", "answer": "wrong"},
        {"q": "Two and two?", "work": r"\boxed{3} no, \boxed{4}", "answer": "wrong"},
    )
    problem_set = load_problems(str(path), question_field="q", answer_field="work")
    assert [(p.problem, p.answer) for p in problem_set.problems] == [
        ("Half of one?", r"\frac{1}{2}"),
        ("Two and two?", "4"),
    ]
    assert (problem_set.question_field, problem_set.answer_field) == ("q", "work")
    assert [p.prompt_id for p in problem_set.problems] == ["custom-00000", "custom-00001"]


def test_override_naming_a_missing_field_lists_the_fields(tmp_path):
    path = write_lines(tmp_path / "a.jsonl", {"problem": "1+1?", "answer": "2"})
    with pytest.raises(DataFileError, match="--question-field 'prompt'.*problem, answer"):
        load_problems(str(path), question_field="prompt")


def test_unknown_fields_name_what_was_seen_and_the_flag(tmp_path):
    path = write_lines(tmp_path / "odd.jsonl", {"text": "1+1?", "result": "2"})
    with pytest.raises(DataFileError) as caught:
        load_problems(str(path))
    assert "text, result" in caught.value.cause
    assert "--question-field" in caught.value.fix


def test_missing_answer_field_names_the_answer_flag(tmp_path):
    path = write_lines(tmp_path / "noanswer.jsonl", {"question": "1+1?", "note": "easy"})
    with pytest.raises(DataFileError) as caught:
        load_problems(str(path))
    assert "question, note" in caught.value.cause
    assert "--answer-field" in caught.value.fix


def test_solution_without_any_boxed_answer_is_an_error(tmp_path):
    path = write_lines(tmp_path / "prose.jsonl", {"problem": "1+1?", "solution": "It is two."})
    with pytest.raises(DataFileError, match="no answer"):
        load_problems(str(path))


def test_olympiad_style_list_answers(tmp_path):
    path = write_lines(
        tmp_path / "olympiad.jsonl",
        {"question": "Find x.", "final_answer": ["$x^2$"]},
        {"question": "Find both.", "final_answer": ["$1$", "$2$"]},
    )
    problem_set = load_problems(str(path))
    assert problem_set.answer_field == "final_answer"
    assert [p.answer for p in problem_set.problems] == ["x^2", "1, 2"]


def test_json_list_file_loads(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"query": "1+1?", "gt": 2}, {"query": "2+2?", "gt": 4}], indent=2))
    problem_set = load_problems(str(path))
    assert [(p.problem, p.answer) for p in problem_set.problems] == [("1+1?", "2"), ("2+2?", "4")]


def test_bad_json_line_is_named(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"problem": "a", "answer": "1"}\n\n{"problem": "b", "answer": \n')
    with pytest.raises(DataFileError, match="line 3"):
        load_problems(str(path))


def test_line_that_is_not_an_object_is_named(tmp_path):
    path = tmp_path / "numbers.jsonl"
    path.write_text('{"problem": "a", "answer": "1"}\n[1, 2]\n')
    with pytest.raises(DataFileError, match="line 2 is a list"):
        load_problems(str(path))


def test_record_without_its_question_is_named(tmp_path):
    path = write_lines(tmp_path / "gap.jsonl", {"problem": "a", "answer": "1"}, {"answer": "2"})
    with pytest.raises(DataFileError, match="record 2"):
        load_problems(str(path))


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="not found"):
        load_problems(str(tmp_path / "nowhere.jsonl"))


def test_empty_file(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    with pytest.raises(DataFileError, match="no problems"):
        load_problems(str(path))
