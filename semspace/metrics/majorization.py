"""Primitives for the Appendix F conditions (SPEC §5): spectra of consecutive windows, supports, majorization."""

from __future__ import annotations

import numpy as np
import torch

from semspace.metrics._arrays import as_float64_matrix, check_positive_int
from semspace.metrics.dynamics import prefix_lengths, window_rows
from semspace.metrics.rank import rank_from_singular_values
from semspace.metrics.spectrum import contrast_rows, leading_block_spectra, prefix_row_count


def prefix_spectra(H, *, stride: int = 40, window: int | None = 512, center: bool = True,
                   name: str = "the response") -> list[np.ndarray]:
    """Singular values (descending) of each growing prefix of SPEC §3, in prefix order."""
    check_positive_int(stride, name="stride")
    check_positive_int(window, name="window", allow_none=True)
    matrix = as_float64_matrix(H, name=name)
    windowed = matrix[window_rows(matrix.shape[0], window)]
    counts = [prefix_row_count(k, center=center) for k in prefix_lengths(windowed.shape[0], stride)]
    spectra = leading_block_spectra([contrast_rows(windowed, center=center)], [counts])[0]
    return [spectrum.numpy() for spectrum in spectra]


def sliding_spectra(H, *, width: int, stride: int = 40, center: bool = True,
                    name: str = "the response") -> list[np.ndarray]:
    """Singular values (descending) of fixed-length windows H[a : a + width], a = 0, stride, 2·stride, ...

    Growing prefixes gain a direction at almost every step, so condition (i) "fixed support" nearly always
    fails on them; windows of constant length make the support comparable.
    """
    check_positive_int(width, name="width")
    check_positive_int(stride, name="stride")
    matrix = as_float64_matrix(H, name=name)
    starts = range(0, matrix.shape[0] - width + 1, stride)
    windows = [contrast_rows(matrix[a:a + width], center=center) for a in starts]
    counts = [[prefix_row_count(width, center=center)] for _ in windows]
    return [spectra[0].numpy() for spectra in leading_block_spectra(windows, counts)]


def normalized_spectrum(sigma) -> np.ndarray:
    """q = σ / Σσ, sorted descending; an all-zero spectrum stays all zero."""
    values = np.sort(np.asarray(sigma, dtype=np.float64))[::-1]
    total = values.sum()
    return values / total if total > 0 else values.copy()


def pad_to_common_length(q_a: np.ndarray, q_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Zero-pad two spectra to the same length so their partial sums can be compared."""
    length = max(q_a.size, q_b.size)
    return np.pad(q_a, (0, length - q_a.size)), np.pad(q_b, (0, length - q_b.size))


def support_size(q, *, tau: float = 1e-3) -> int:
    """#{q_i > τ}: active directions under a threshold relative to the total mass (q sums to 1)."""
    return int((np.asarray(q) > tau).sum())


def absolute_support_size(sigma, *, shape: tuple[int, int]) -> int:
    """The reference's count: σ above σ_max · max(shape) · eps_float32 (the traditional-rank rule)."""
    return int(rank_from_singular_values(torch.as_tensor(np.asarray(sigma, dtype=np.float64)), shape=shape))


def is_majorized_by(q, q_reference, *, tol: float = 1e-9) -> bool:
    """q ≺ q_reference (q more uniform): every partial sum of q is at most that of q_reference, within tol."""
    a, b = pad_to_common_length(normalized_spectrum(q), normalized_spectrum(q_reference))
    return bool(np.all(np.cumsum(a) <= np.cumsum(b) + tol))


def shannon_effective_rank(q) -> float:
    """exp(Shannon entropy) of a normalised spectrum: the Schur-concave quantity majorization orders exactly."""
    positive = np.asarray(q, dtype=np.float64)
    positive = positive[positive > 0]
    return float(np.exp(-(positive * np.log(positive)).sum())) if positive.size else 1.0
