"""Which benchmarks an eval runs: file paths, the built-in arithmetic set, or bare names, read from a data folder
when it holds NAME.jsonl and otherwise from the paper's benchmark registry (their Hugging Face datasets)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from semspace.data.registry import DATA_DIR_VARIABLE, default_data_dir, local_file, registry_benchmark
from semspace.errors import DataFileError, InvalidInputError

__all__ = ["ARITHMETIC", "DATA_DIR_VARIABLE", "Benchmark", "default_data_dir", "resolve_benchmark",
           "resolve_benchmarks"]

ARITHMETIC = "arithmetic"
FILE_SUFFIXES = (".jsonl", ".json")


@dataclass(frozen=True)
class Benchmark:
    """One benchmark: its name (the sub-run folder and results key), the value given, and what collect reads."""

    name: str
    given: str
    dataset: str


def resolve_benchmark(value: str, data_dir: Path) -> Benchmark:
    """`arithmetic[:N[:LEVELS]]`; an existing file (named by its stem); or a bare NAME: <data_dir>/NAME.jsonl when
    that file exists, else the registry benchmark NAME, whose Hub dataset collect reads by that name."""
    if value == ARITHMETIC or value.startswith(ARITHMETIC + ":"):
        return Benchmark(ARITHMETIC, value, value)
    path = Path(value).expanduser()
    if path.is_file():
        return Benchmark(path.stem, value, str(path.resolve()))
    if path.suffix in FILE_SUFFIXES or len(path.parts) > 1:
        raise DataFileError(f"Benchmark file not found: {path}.",
                            "Check the path (relative paths start at the current folder), or pass a bare name.")
    candidate = local_file(value, data_dir)
    if candidate.is_file():
        return Benchmark(value, value, str(candidate.resolve()))
    registered = registry_benchmark(value)
    if registered is None:
        raise DataFileError(
            f"No benchmark named '{value}': looked for {candidate}, which does not exist, and it is not one of the "
            "paper's benchmarks (`semspace benchmarks` lists them).",
            f"Pass the path of a .jsonl file, or point --data-dir (or ${DATA_DIR_VARIABLE}) at the folder that "
            f"holds {value}.jsonl; 'arithmetic' is built in.")
    if registered.hub is None:
        raise DataFileError(
            f"'{value}' ({registered.paper} of the paper) has no Hugging Face dataset in semspace's registry, and "
            f"{candidate} does not exist.",
            f"Put {value}.jsonl in --data-dir (or ${DATA_DIR_VARIABLE}), or pass its path.")
    return Benchmark(value, value, value)


def resolve_benchmarks(values, data_dir: Path) -> list[Benchmark]:
    """Every benchmark asked for, refusing two with one name (their runs would share a folder)."""
    if not values:
        raise InvalidInputError("No benchmark given.", "Pass --benchmark FILE or NAME (or arithmetic).")
    benchmarks = [resolve_benchmark(value, data_dir) for value in values]
    repeated = sorted(name for name, count in Counter(b.name for b in benchmarks).items() if count > 1)
    if repeated:
        raise InvalidInputError(f"Two benchmarks are named {repeated[0]!r} (a benchmark's name is its file stem).",
                                "Pass each benchmark once, or rename one of the files.")
    return benchmarks
