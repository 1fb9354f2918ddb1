"""One entry point for every kind of prompt source: the built-in set, a local file, or a cached HF dataset."""

import hashlib
from pathlib import Path

from ..errors import DataFileError, InvalidInputError
from .arithmetic import arithmetic_problems
from .files import read_file
from .hub import looks_like_dataset_name, not_found, read_dataset
from .problem import ProblemSet

ARITHMETIC = "arithmetic"
ARITHMETIC_DEFAULT_SIZE = 64
FILE_SUFFIXES = (".jsonl", ".json")


def arithmetic_set(source: str, seed: int) -> ProblemSet:
    """`arithmetic` or `arithmetic:N`; the hash covers the generator's parameters."""
    _, _, size = source.partition(":")
    if size and not size.isdigit():
        raise InvalidInputError(
            f"'{source}': the size after ':' must be a whole number.", "Use e.g. arithmetic:128."
        )
    n = int(size) if size else ARITHMETIC_DEFAULT_SIZE
    problems = arithmetic_problems(n, seed=seed)
    parameters = f"arithmetic n={n} seed={seed} levels=(1, 2, 3)"
    return ProblemSet(problems, source, hashlib.sha256(parameters.encode()).hexdigest(), "problem", "answer")


def load_problems(
    source: str,
    *,
    limit: int | None = None,
    question_field: str | None = None,
    answer_field: str | None = None,
    seed: int = 0,
) -> ProblemSet:
    """Problems from `source`, the first `limit` of them; fields are detected unless named."""
    if limit is not None and limit < 1:
        raise InvalidInputError(f"limit must be at least 1, got {limit}.", "Pass a positive --limit or none.")
    path = Path(source).expanduser()
    if source == ARITHMETIC or source.startswith(ARITHMETIC + ":"):
        if question_field or answer_field:
            raise InvalidInputError(
                "Field overrides apply to files and datasets, not the built-in arithmetic set.",
                "Drop --question-field and --answer-field.",
            )
        problem_set = arithmetic_set(source, seed)
    elif path.is_file():
        problem_set = read_file(path, source, question_field=question_field, answer_field=answer_field)
    elif path.is_dir():
        raise DataFileError(
            f"{source} is a folder, not a problem file.", "Pass the path to a .jsonl file in it."
        )
    elif path.suffix in FILE_SUFFIXES:
        raise DataFileError(
            f"File not found: {path}.", "Check the path; relative paths start at the current folder."
        )
    elif not looks_like_dataset_name(source):
        raise not_found(source, "it does not name a Hugging Face dataset")
    else:
        problem_set = read_dataset(source, question_field=question_field, answer_field=answer_field)
    if limit is not None:
        problem_set.problems = problem_set.problems[:limit]
    return problem_set
