"""pass@k by brute force: the share of all k-subsets of the n samples that hold at least one correct sample."""

from fractions import Fraction
from itertools import combinations


def brute_pass_at_k(n: int, c: int, k: int) -> Fraction:
    """Exact pass@k: samples 0..c-1 are the correct ones; enumerate every k-subset of range(n)."""
    subsets = list(combinations(range(n), k))
    return Fraction(sum(any(sample < c for sample in subset) for subset in subsets), len(subsets))
