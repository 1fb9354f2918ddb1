"""Which benchmarks an eval runs: file paths, the built-in arithmetic set, or bare names in a data folder."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from semspace.errors import DataFileError, InvalidInputError

ARITHMETIC = "arithmetic"
DATA_DIR_VARIABLE = "SEMSPACE_DATA_DIR"
FILE_SUFFIXES = (".jsonl", ".json")


@dataclass(frozen=True)
class Benchmark:
    """One benchmark: its name (the sub-run folder and results key), the value given, and what collect reads."""

    name: str
    given: str
    dataset: str


def default_data_dir() -> Path:
    """Where bare names are looked up: $SEMSPACE_DATA_DIR if set, else ./data."""
    return Path(os.environ.get(DATA_DIR_VARIABLE) or "data")


def resolve_benchmark(value: str, data_dir: Path) -> Benchmark:
    """`arithmetic[:N[:LEVELS]]`, an existing file (named by its stem), or NAME read as <data_dir>/NAME.jsonl."""
    if value == ARITHMETIC or value.startswith(ARITHMETIC + ":"):
        return Benchmark(ARITHMETIC, value, value)
    path = Path(value).expanduser()
    if path.is_file():
        return Benchmark(path.stem, value, str(path.resolve()))
    if path.suffix in FILE_SUFFIXES or len(path.parts) > 1:
        raise DataFileError(f"Benchmark file not found: {path}.",
                            "Check the path (relative paths start at the current folder), or pass a bare name.")
    candidate = data_dir.expanduser() / f"{value}.jsonl"
    if not candidate.is_file():
        raise DataFileError(
            f"No benchmark named '{value}': looked for {candidate}, which does not exist.",
            f"Pass the path of a .jsonl file, or point --data-dir (or ${DATA_DIR_VARIABLE}) at the folder that "
            f"holds {value}.jsonl; 'arithmetic' is built in.")
    return Benchmark(value, value, str(candidate.resolve()))


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
