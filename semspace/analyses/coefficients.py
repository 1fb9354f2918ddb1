"""Correlation coefficients with p-values, partial correlations by residuals, and the OLS line of a pair."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from semspace.errors import InvalidInputError

METHODS = ("pearson", "spearman", "kendall")
PARTIAL_METHODS = ("pearson", "spearman")
MIN_ROWS = 3
_SCIPY = {"pearson": stats.pearsonr, "spearman": stats.spearmanr, "kendall": stats.kendalltau}


def check_methods(methods, *, partial: bool) -> list[str]:
    """Refuse unknown methods, and Kendall with controls (it has no residual form)."""
    methods = list(methods)
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise InvalidInputError(f"Unknown correlation method {unknown or methods}.",
                                f"Use one or more of: {', '.join(METHODS)}.")
    if partial and "kendall" in methods:
        raise InvalidInputError("Kendall's tau has no partial form here (controls were given).",
                                "Use --method pearson or spearman with --control.")
    return methods


def correlation(method: str, x: np.ndarray, y: np.ndarray, controls: np.ndarray | None = None) -> tuple[float, float]:
    """(coefficient, two-sided p-value) of finite arrays; with controls, the partial correlation; NaN if undefined.

    Undefined means fewer than 3 rows (or no degree of freedom left after the controls) or a constant variable.
    """
    if controls is not None and controls.shape[1]:
        return _partial(method, x, y, controls)
    if len(x) < MIN_ROWS or _flat(x) or _flat(y):
        return math.nan, math.nan
    result = _SCIPY[method](x, y)
    return float(result.statistic), float(result.pvalue)


def _partial(method: str, x: np.ndarray, y: np.ndarray, controls: np.ndarray) -> tuple[float, float]:
    """Pearson r of the OLS residuals of x and y on the controls (on ranks for Spearman); t-test with n-2-k df."""
    if method == "spearman":
        x, y, controls = stats.rankdata(x), stats.rankdata(y), stats.rankdata(controls, axis=0)
    dof = len(x) - 2 - controls.shape[1]
    if dof < 1:
        return math.nan, math.nan
    rx, ry = residuals(x, controls), residuals(y, controls)
    if _flat(rx, scale=x) or _flat(ry, scale=y):
        return math.nan, math.nan
    r = float(np.clip(np.corrcoef(rx, ry)[0, 1], -1.0, 1.0))
    if abs(r) == 1.0:
        return r, 0.0
    t = r * math.sqrt(dof / (1.0 - r * r))
    return r, float(2.0 * stats.t.sf(abs(t), dof))


def residuals(values: np.ndarray, controls: np.ndarray) -> np.ndarray:
    """What OLS of `values` on an intercept and the controls leaves unexplained."""
    design = _design(controls)
    coefficients, *_ = np.linalg.lstsq(design, values, rcond=None)
    return values - design @ coefficients


def ols_line(x: np.ndarray, y: np.ndarray, controls: np.ndarray | None = None) -> tuple[float, float]:
    """(slope, intercept) of OLS y ~ 1 + x (+ controls): the slope is x's coefficient, the partial slope."""
    if len(x) < MIN_ROWS or _flat(x):
        return math.nan, math.nan
    predictors = np.column_stack([x, controls]) if controls is not None and controls.shape[1] else x[:, None]
    coefficients, *_ = np.linalg.lstsq(_design(predictors), y, rcond=None)
    return float(coefficients[1]), float(coefficients[0])


def _design(predictors: np.ndarray) -> np.ndarray:
    """An intercept column followed by the predictors."""
    return np.column_stack([np.ones(len(predictors)), predictors])


def _flat(values: np.ndarray, scale: np.ndarray | None = None) -> bool:
    """No variation left (relative to `scale`'s, for residuals, where rounding leaves ~1e-16 instead of 0)."""
    if scale is None:
        return bool(np.ptp(values) == 0)
    return bool(np.std(values) <= 1e-12 * (np.std(scale) + np.finfo(float).tiny))
