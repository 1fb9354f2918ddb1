"""Writing result tables to CSV, JSON or Markdown, chosen by the file's suffix."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from semspace.errors import InvalidInputError

TABLE_SUFFIXES = (".csv", ".json", ".md")
FIGURE_SUFFIXES = (".png", ".pdf")


def check_output_path(path, suffixes: tuple[str, ...], what: str) -> Path:
    """An output file name with one of `suffixes`, its folder created (checked before any long work)."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise InvalidInputError(f"Cannot write {what} to {path}: unknown suffix {path.suffix!r}.",
                                f"End the file name in one of {', '.join(suffixes)}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def check_figure_path(path) -> Path:
    """A figure file name ending in .png or .pdf, its folder created."""
    return check_output_path(path, FIGURE_SUFFIXES, "a figure")


def check_table_path(path) -> Path:
    """A table file name ending in .csv, .json or .md, its folder created."""
    return check_output_path(path, TABLE_SUFFIXES, "a table")


def write_table(frame: pd.DataFrame, path, *, significant: int = 6) -> Path:
    """Write `frame` as CSV, JSON (a list of records, NaN as null) or Markdown (numbers to `significant` digits;
    CSV and JSON keep them whole), by `path`'s suffix."""
    path = check_table_path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".json":
        frame.to_json(path, orient="records", indent=2)
    else:
        path.write_text(markdown(frame, significant=significant), encoding="utf-8")
    return path


def markdown(frame: pd.DataFrame, *, significant: int = 6) -> str:
    """A GitHub-flavoured Markdown table; numbers to `significant` digits, missing values empty."""
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(_cell(value, significant) for value in row) + " |"
            for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body]) + "\n"


def _cell(value, significant: int) -> str:
    """One Markdown cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.{significant}g}"
    return str(value).replace("|", "\\|")
