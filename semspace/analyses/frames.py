"""Runs as one data frame: scalar columns of several runs concatenated, each row tagged with its run and model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from semspace.errors import InvalidInputError
from semspace.store import iter_responses, read_manifest, read_run


def load_runs(runs: Iterable, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows of every run, one after another, with `run` (its path) and `model` (the manifest's) columns added.

    Without `columns`, every scalar column is read; token lists, prefix_er and hidden states are left out, so a
    large run loads in little memory.
    """
    frames = [_load_run(Path(run), columns) for run in runs]
    if not frames:
        raise InvalidInputError("No run was given.", "Pass one or more run folders (the --out of collect).")
    return pd.concat(frames, ignore_index=True)


def _load_run(run: Path, columns: Sequence[str] | None) -> pd.DataFrame:
    """One run's rows with its run and model tags."""
    frame = read_run(run, columns=list(columns) if columns is not None else _scalar_columns(run))
    frame.insert(0, "run", str(run))
    frame.insert(1, "model", model_name(read_manifest(run)))
    return frame


def _scalar_columns(run: Path) -> list[str] | None:
    """The columns whose values are not arrays, read off the first row (every shard of a run has the same)."""
    first = next(iter_responses(run, batch_size=1), None)
    if first is None:
        return None
    return [name for name, value in first.items() if not isinstance(value, np.ndarray)]


def model_name(manifest: dict) -> str:
    """The model a run sampled, as its manifest names it."""
    model = manifest.get("model", {})
    return str(model.get("name") or model.get("id") or "unknown")


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """Columns a correlation can use: numbers and booleans (a nullable `correct` included), in frame order."""
    return [name for name in frame.columns if _is_numeric(frame[name])]


def _is_numeric(values: pd.Series) -> bool:
    """Numeric or boolean dtype, or an object column holding only booleans and numbers (and missing values)."""
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return True
    if values.dtype != object:
        return False
    present = values.dropna()
    return len(present) > 0 and all(isinstance(v, (bool, np.bool_, int, float, np.number)) for v in present)


def resolve_columns(frame: pd.DataFrame, names: Iterable[str], *, role: str = "metric") -> list[str]:
    """Map user names to numeric columns (case-insensitive when unambiguous); refuse others, listing the choices."""
    available = numeric_columns(frame)
    by_lower: dict[str, list[str]] = {}
    for name in available:
        by_lower.setdefault(name.lower(), []).append(name)
    resolved = []
    for name in names:
        matches = [name] if name in available else by_lower.get(name.lower(), [])
        if len(matches) != 1:
            raise InvalidInputError(f"No numeric column {name!r} to use as a {role}.",
                                    f"Choose from: {', '.join(available)}.")
        resolved.append(matches[0])
    return resolved


def as_numbers(values: pd.Series) -> np.ndarray:
    """A numeric or boolean column as float64, missing values as NaN."""
    return values.astype("float64").to_numpy()
