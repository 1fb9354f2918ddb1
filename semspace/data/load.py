"""One entry point for every kind of prompt source: the built-in set, a local file, a benchmark of the paper by
name (its Hugging Face dataset), or a cached HF dataset."""

import hashlib
from pathlib import Path

from ..errors import DataFileError, InvalidInputError
from .arithmetic import arithmetic_problems
from .files import read_file
from .hub import looks_like_dataset_name, not_found, read_dataset
from .hub_cache import read_benchmark
from .problem import ProblemSet
from .registry import RegistryBenchmark, registry_benchmark

ARITHMETIC = "arithmetic"
ARITHMETIC_DEFAULT_SIZE = 64
FILE_SUFFIXES = (".jsonl", ".json")


def arithmetic_set(source: str, seed: int) -> ProblemSet:
    """`arithmetic`, `arithmetic:N` or `arithmetic:N:L[,L]` (levels); the hash covers the generator's parameters."""
    _, _, spec = source.partition(":")
    size, _, level_text = spec.partition(":")
    if size and not size.isdigit():
        raise InvalidInputError(
            f"'{source}': the size after ':' must be a whole number.", "Use e.g. arithmetic:128."
        )
    levels = parse_levels(source, level_text) if level_text else (1, 2, 3)
    n = int(size) if size else ARITHMETIC_DEFAULT_SIZE
    problems = arithmetic_problems(n, seed=seed, levels=levels)
    parameters = f"arithmetic n={n} seed={seed} levels={levels}"
    return ProblemSet(problems, source, hashlib.sha256(parameters.encode()).hexdigest(), "problem", "answer")


def parse_levels(source: str, text: str) -> tuple[int, ...]:
    """The comma-separated levels after the second ':' of an arithmetic source."""
    parts = text.split(",")
    if not all(part.isdigit() for part in parts):
        raise InvalidInputError(
            f"'{source}': the levels after the second ':' must be whole numbers.",
            "Use e.g. arithmetic:64:1 or arithmetic:64:1,2.",
        )
    return tuple(int(part) for part in parts)


def registry_set(benchmark: RegistryBenchmark, question_field: str | None, answer_field: str | None) -> ProblemSet:
    """A benchmark of the paper by name, from its Hub dataset; a file-only one has none to read."""
    if benchmark.hub is None:
        raise DataFileError(
            f"'{benchmark.name}' ({benchmark.paper} of the paper) has no Hugging Face dataset in semspace's "
            "registry, and no file of that name is here.",
            f"Pass the path of a {benchmark.name}.jsonl file (eval: put it in --data-dir); `semspace benchmarks` "
            "lists the benchmarks with a Hub dataset.")
    return read_benchmark(benchmark, question_field=question_field, answer_field=answer_field)


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
    elif (registered := registry_benchmark(source)) is not None:
        problem_set = registry_set(registered, question_field, answer_field)
    elif not looks_like_dataset_name(source):
        raise not_found(source, "it does not name a Hugging Face dataset")
    else:
        problem_set = read_dataset(source, question_field=question_field, answer_field=answer_field)
    if limit is not None:
        problem_set.problems = problem_set.problems[:limit]
    return problem_set
