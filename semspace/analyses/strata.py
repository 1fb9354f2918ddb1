"""Group labels for per-group analyses: correctness, length strata (quantiles or edges), model, any column."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from semspace.errors import InvalidInputError

ALL = "all"
MISSING = "missing"
LENGTH = "length"
LENGTH_COLUMN = "n_tokens"
DEFAULT_LENGTH_BINS = 4


def group_labels(frame: pd.DataFrame, by: str | None, *, length_bins: int | None = None,
                 length_edges: Sequence[float] | None = None) -> pd.Series:
    """One label per row, as an ordered categorical: 'all' without `by`; rows lacking a value are 'missing'.

    `by="length"` stratifies n_tokens into `length_bins` quantile strata (default 4) or right-closed bins between
    `length_edges` (open-ended below the first and above the last edge); any other name groups by that column.
    """
    _check_length_options(by, length_bins, length_edges)
    if by is None:
        return pd.Series(pd.Categorical([ALL] * len(frame)), index=frame.index)
    if by == LENGTH:
        return _length_strata(frame, length_bins, length_edges)
    if by not in frame.columns:
        raise InvalidInputError(f"Cannot group by {by!r}: there is no such column.",
                                f"Use correct, length, model or one of: {', '.join(map(str, frame.columns))}.")
    return _by_value(frame[by])


def _check_length_options(by: str | None, bins: int | None, edges: Sequence[float] | None) -> None:
    """Length strata options only make sense with by='length', and only one of them at a time."""
    if (bins is not None or edges is not None) and by != LENGTH:
        raise InvalidInputError("--length-bins / --length-edges only apply to length strata.",
                                "Add --by length, or drop them.")
    if bins is not None and edges is not None:
        raise InvalidInputError("Both --length-bins and --length-edges were given.", "Pass one of them.")
    if bins is not None and bins < 1:
        raise InvalidInputError(f"--length-bins must be at least 1, got {bins}.", "Pass a positive number.")
    if edges is not None and (len(edges) == 0 or list(edges) != sorted(set(edges))):
        raise InvalidInputError(f"--length-edges must be increasing numbers, got {list(edges)}.",
                                "Pass them like 0,128,256,512.")


def _length_strata(frame: pd.DataFrame, bins: int | None, edges: Sequence[float] | None) -> pd.Series:
    """n_tokens cut into quantile strata or between explicit edges, labelled like '(128, 256]'."""
    if LENGTH_COLUMN not in frame.columns:
        raise InvalidInputError(f"Length strata need the {LENGTH_COLUMN} column.", "Load it with the runs.")
    lengths = frame[LENGTH_COLUMN].astype("float64")
    if edges is not None:
        intervals = pd.cut(lengths, [-math.inf, *edges, math.inf])
    else:
        intervals = pd.qcut(lengths, bins or DEFAULT_LENGTH_BINS, duplicates="drop")
    names = [_interval_name(interval) for interval in intervals.cat.categories]
    labels = intervals.cat.rename_categories(names)
    return _with_missing(labels)


def _interval_name(interval: pd.Interval) -> str:
    """'(128, 256]' with integers printed as integers."""
    return f"({_number(interval.left)}, {_number(interval.right)}]"


def _number(value: float) -> str:
    """An edge as text: whole numbers without a decimal point."""
    return str(int(value)) if np.isfinite(value) and float(value).is_integer() else f"{value:.4g}"


def _by_value(values: pd.Series) -> pd.Series:
    """Group by a column's values as text labels, in sorted order (a categorical column's in its own order)."""
    present = values.dropna().unique().tolist()
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = [value for value in values.cat.categories if value in present]
    else:
        present = sorted(present)
    names = [str(value) for value in present]
    labels = values.map(dict(zip(present, names)))
    return _with_missing(pd.Series(pd.Categorical(labels, categories=list(dict.fromkeys(names))),
                                   index=values.index))


def _with_missing(labels: pd.Series) -> pd.Series:
    """Rows without a group value get the label 'missing' (last), so they are counted, not lost."""
    if not labels.isna().any():
        return labels
    return labels.cat.add_categories([MISSING]).fillna(MISSING)
