"""Percentile bootstrap intervals: resample rows with replacement, recompute, take the central quantiles."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from semspace.errors import InvalidInputError


def check_bootstrap(resamples: int, confidence: float) -> None:
    """Refuse a negative resample count or a confidence level outside (0, 1)."""
    if resamples < 0:
        raise InvalidInputError(f"--bootstrap must be 0 or more, got {resamples}.", "Pass e.g. 1000, or 0 for none.")
    if not 0 < confidence < 1:
        raise InvalidInputError(f"--confidence must lie strictly between 0 and 1, got {confidence}.",
                                "Pass e.g. 0.95.")


def percentile_interval(statistic: Callable[[np.ndarray], float], n: int, *, resamples: int, seed: int,
                        confidence: float = 0.95) -> tuple[float, float]:
    """Central `confidence` interval of statistic(rows) over `resamples` resamples of row indices 0..n-1.

    The generator is seeded afresh per call, so an interval depends only on its data and seed. Resamples where
    the statistic is undefined (NaN, e.g. a constant resample) are left out; none left gives (NaN, NaN).
    """
    if resamples == 0 or n == 0:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    values = np.array([statistic(rng.integers(0, n, n)) for _ in range(resamples)])
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return math.nan, math.nan
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(finite, [tail, 1.0 - tail])
    return float(low), float(high)
