"""The unbiased pass@k estimator (SPEC §6), 1 − C(n−c, k)/C(n, k), for one problem or many at once.

Both forms use the product 1 − ∏_{i=n−c+1}^{n} (1 − k/i): no binomials, so no overflow for large n.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from semspace.errors import InvalidInputError


def pass_at_k(n: int, c: int, k: int) -> float:
    """Chance that k of the n samples of a problem, c of them correct, drawn without replacement hold a correct one."""
    n, c, k = operator.index(n), operator.index(c), operator.index(k)
    _check_k(k, n)
    if not 0 <= c <= n:
        raise InvalidInputError(f"pass@k got c={c} correct samples out of n={n}.", "Pass 0 <= c <= n.")
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def pass_at_k_array(n, c, k: int) -> np.ndarray:
    """pass@k of each problem from per-problem sample counts `n` and correct counts `c` (1-D integer arrays)."""
    n, c, k = _integers(n, "n"), _integers(c, "c"), operator.index(k)
    if n.shape != c.shape:
        raise InvalidInputError(f"pass@k got {n.size} sample counts but {c.size} correct counts.",
                                "Pass one n and one c per problem.")
    if n.size == 0:
        return np.zeros(0)
    _check_k(k, int(n.min()))
    if ((c < 0) | (c > n)).any():
        raise InvalidInputError("pass@k got a correct count outside 0..n.", "Pass 0 <= c <= n for every problem.")
    i = np.arange(1, int(n.max()) + 1)
    in_product = (i >= (n - c + 1)[:, None]) & (i <= n[:, None])
    factors = np.where(in_product, 1.0 - k / i, 1.0)
    return np.where(n - c < k, 1.0, 1.0 - factors.prod(axis=1))


def powers_of_two_up_to(n: int) -> list[int]:
    """The default k values: 1, 2, 4, ... while at most n (every k the samples can support, log-spaced)."""
    return [2 ** power for power in range(n.bit_length())] if n >= 1 else []


def _check_k(k: int, n: int) -> None:
    """pass@k needs 1 <= k <= n: with fewer than k samples no k-subset exists."""
    if k < 1:
        raise InvalidInputError(f"pass@k needs k >= 1, got k={k}.", "Pass a positive k.")
    if k > n:
        raise InvalidInputError(f"pass@{k} needs at least {k} samples of a problem, which has only {n}.",
                                f"Lower k to at most {n}, or sample more responses per problem (--n).")


def _integers(values, name: str) -> np.ndarray:
    """A 1-D int64 array of whole-number counts, refusing fractions."""
    array = np.asarray(values)
    if array.ndim != 1 or (array.size and not np.array_equal(array, np.round(array))):
        raise InvalidInputError(f"pass@k needs a 1-D array of whole numbers for {name}.",
                                "Pass one count per problem.")
    return array.astype(np.int64)
