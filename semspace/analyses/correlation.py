"""Correlations between per-response metrics: pairs or all pairs, several methods, per group, with controls.

Every row of the result says how many rows entered (n) and how many were dropped for a missing or infinite
value in a used column, so nothing is left out silently.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from semspace.analyses.bootstrap import check_bootstrap, percentile_interval
from semspace.analyses.coefficients import check_methods, correlation, ols_line
from semspace.analyses.frames import as_numbers, resolve_columns
from semspace.analyses.strata import group_labels
from semspace.errors import InvalidInputError

RESULT_COLUMNS = ("group", "x", "y", "method", "control", "n", "dropped", "coefficient", "p_value", "ci_low",
                  "ci_high", "r2", "slope", "intercept", "resamples", "ci_level")


def correlate(frame: pd.DataFrame, x: str, y: str, methods: Sequence[str] = ("pearson",), by: str | None = None,
              control: Sequence[str] = (), bootstrap: int = 1000, seed: int = 0, confidence: float = 0.95, *,
              length_bins: int | None = None, length_edges: Sequence[float] | None = None) -> pd.DataFrame:
    """One pair x, y: a row per group and method (columns RESULT_COLUMNS); see correlation_table."""
    return correlation_table(frame, [x, y], methods=methods, by=by, control=control, bootstrap=bootstrap,
                             seed=seed, confidence=confidence, length_bins=length_bins, length_edges=length_edges)


def correlation_table(frame: pd.DataFrame, metrics: Sequence[str], methods: Sequence[str] = ("pearson",),
                      by: str | None = None, control: Sequence[str] = (), bootstrap: int = 1000, seed: int = 0,
                      confidence: float = 0.95, *, length_bins: int | None = None,
                      length_edges: Sequence[float] | None = None) -> pd.DataFrame:
    """Every pair of `metrics` (two give one pair), per group of `by` and per method.

    coefficient and p_value are scipy's pearsonr / spearmanr / kendalltau (tau-b); with `control` columns, the
    partial correlation of the OLS residuals (of ranks, for Spearman) with n-2-k degrees of freedom. ci_low and
    ci_high are a seeded percentile bootstrap over rows. For Pearson, r2 is the squared (partial) r, i.e. the R² of
    the OLS line, and slope / intercept are that line's (x's coefficient in y ~ 1 + x + controls).
    """
    metrics = _distinct(resolve_columns(frame, metrics), "metric")
    controls = resolve_columns(frame, control, role="control")
    if len(metrics) < 2:
        raise InvalidInputError(f"A correlation needs two metrics, got {metrics}.", "Pass two or more metrics.")
    overlap = sorted(set(controls) & set(metrics))
    if overlap:
        raise InvalidInputError(f"{overlap} is both a metric and a control.", "Control for other columns.")
    methods = check_methods(methods, partial=bool(controls))
    check_bootstrap(bootstrap, confidence)
    labels = group_labels(frame, by, length_bins=length_bins, length_edges=length_edges)
    settings = {"methods": methods, "bootstrap": bootstrap, "seed": seed, "confidence": confidence}
    rows = []
    for x, y in itertools.combinations(metrics, 2):
        for label in labels.cat.categories:
            members = frame[(labels == label).to_numpy()]
            if len(members):
                rows += _group_rows(members, label, x, y, controls, settings)
    return pd.DataFrame(rows, columns=list(RESULT_COLUMNS))


def _distinct(names: list[str], role: str) -> list[str]:
    """Refuse a column named twice (its correlation with itself says nothing)."""
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InvalidInputError(f"The {role}s {repeated} are named more than once.", "Name each column once.")
    return names


def _group_rows(members: pd.DataFrame, label: str, x: str, y: str, controls: list[str], settings: dict) -> list[dict]:
    """One result row per method for one pair within one group, after dropping incomplete rows."""
    data = np.column_stack([as_numbers(members[name]) for name in (x, y, *controls)])
    complete = np.isfinite(data).all(axis=1)
    data = data[complete]
    xs, ys, cs = data[:, 0], data[:, 1], data[:, 2:]
    base = {"group": label, "x": x, "y": y, "control": ",".join(controls), "n": len(data),
            "dropped": int((~complete).sum()), "resamples": settings["bootstrap"],
            "ci_level": settings["confidence"]}
    return [{**base, "method": method, **_estimate(method, xs, ys, cs, settings)} for method in settings["methods"]]


def _estimate(method: str, x: np.ndarray, y: np.ndarray, controls: np.ndarray, settings: dict) -> dict:
    """Coefficient, p-value, bootstrap interval, and for Pearson the OLS line and its R²."""
    coefficient, p_value = correlation(method, x, y, controls)
    low, high = percentile_interval(lambda rows: correlation(method, x[rows], y[rows], controls[rows])[0], len(x),
                                    resamples=settings["bootstrap"], seed=settings["seed"],
                                    confidence=settings["confidence"])
    line = {"r2": math.nan, "slope": math.nan, "intercept": math.nan}
    if method == "pearson":
        slope, intercept = ols_line(x, y, controls)
        line = {"r2": coefficient**2, "slope": slope, "intercept": intercept}
    return {"coefficient": coefficient, "p_value": p_value, "ci_low": low, "ci_high": high, **line}
