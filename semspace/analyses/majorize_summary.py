"""What the majorization pairs add up to: fractions of pairs meeting (i), (ii) and both, the empirical μ, and how
the per-response all-pairs flags relate to ERV and correctness."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from semspace.analyses.frames import as_numbers
from semspace.analyses.majorize import FLAGS


def pair_summary(pairs: pd.DataFrame) -> dict:
    """Pair count, the fraction with each condition, μ = smallest ER increase among pairs with (ii)."""
    fractions = {f"frac_{column}": _fraction(pairs[column])
                 for column in ("equal_support", "equal_abs_support", "majorized", "both", "both_abs")}
    increases = pairs.loc[pairs["majorized"].astype(bool), "er_increase"].astype("float64")
    return {"pairs": len(pairs), **fractions, "mu": float(increases.min()) if len(increases) else math.nan,
            "schur_checked": int(pairs["schur_checked"].astype(bool).sum())}


def flag_relations(responses: pd.DataFrame) -> pd.DataFrame:
    """Per all-pairs flag: responses with and without it, their mean ERV, point-biserial r and Mann-Whitney p of
    ERV against the flag, and accuracy with and without it. Responses with no pair (or no ERV) are counted apart."""
    return pd.DataFrame([_relation(responses, flag) for flag in FLAGS])


def _relation(responses: pd.DataFrame, flag: str) -> dict:
    """One flag's row of flag_relations."""
    flags, erv = as_numbers(responses[flag]), as_numbers(responses["erv"])
    usable = np.isfinite(flags) & np.isfinite(erv)
    held, erv = flags[usable] == 1.0, erv[usable]
    r, p_biserial = _point_biserial(held, erv)
    correct = as_numbers(responses["correct"])[usable]
    return {"flag": flag, "with": int(held.sum()), "without": int((~held).sum()), "no_pairs": int((~usable).sum()),
            "erv_with": _mean(erv[held]), "erv_without": _mean(erv[~held]), "point_biserial_r": r,
            "point_biserial_p": p_biserial, "mannwhitney_p": _mann_whitney(erv[held], erv[~held]),
            "accuracy_with": _mean(correct[held]), "accuracy_without": _mean(correct[~held])}


def _fraction(values: pd.Series) -> float:
    """Share of True; NaN when there are no pairs."""
    return float(values.astype(bool).mean()) if len(values) else math.nan


def _mean(values: np.ndarray) -> float:
    """Mean of the finite values (ungraded responses have NaN correctness); NaN when none."""
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else math.nan


def _point_biserial(held: np.ndarray, erv: np.ndarray) -> tuple[float, float]:
    """scipy's point-biserial r and p of ERV against the flag; NaN unless both sides and ERV vary."""
    if held.all() or not held.any() or np.ptp(erv) == 0 or len(erv) < 3:
        return math.nan, math.nan
    result = stats.pointbiserialr(held, erv)
    return float(result.statistic), float(result.pvalue)


def _mann_whitney(with_flag: np.ndarray, without: np.ndarray) -> float:
    """Two-sided Mann-Whitney U p-value of ERV with vs without the flag; NaN when a side is empty."""
    if not with_flag.size or not without.size:
        return math.nan
    return float(stats.mannwhitneyu(with_flag, without, alternative="two-sided").pvalue)
