"""Whole-matrix metrics of one response (SPEC §2, §4): effective rank, traditional rank, matrix entropy, curvature."""

from __future__ import annotations

import math

import torch

from semspace.errors import InvalidInputError
from semspace.metrics._arrays import as_float64_matrix
from semspace.metrics.spectrum import effective_ranks, singular_values

SPECTRA = ("sigma", "sigma2")


def check_spectrum(spectrum: str) -> None:
    """Refuse a spectrum name other than sigma / sigma2."""
    if spectrum not in SPECTRA:
        raise InvalidInputError(f"spectrum must be one of {SPECTRA}, got {spectrum!r}.",
                                "Use 'sigma' (the paper's) or 'sigma2' (RankMe / Diff-eRank).")


def effective_rank(H, *, center: bool = True, spectrum: str = "sigma", name: str = "the response") -> float:
    """Effective Rank of a (T, d) hidden-state matrix: exp of the entropy of its normalised singular values.

    NaN when T < 2 (SPEC §2 [differs]: the reference writes 0).
    """
    check_spectrum(spectrum)
    matrix = as_float64_matrix(H, name=name)
    if matrix.shape[0] < 2:
        return math.nan
    return float(effective_ranks(singular_values(matrix, center=center), spectrum=spectrum))


def traditional_rank(H, *, center: bool = True, name: str = "the response") -> float:
    """#{σ > σ_max · max(T, d) · eps_float32}: numpy's matrix_rank rule with float32 eps, as the reference did."""
    matrix = as_float64_matrix(H, name=name)
    if matrix.shape[0] < 2:
        return math.nan
    return rank_from_singular_values(singular_values(matrix, center=center), shape=tuple(matrix.shape))


def rank_from_singular_values(sigma: torch.Tensor, *, shape: tuple[int, int]) -> float:
    """Count singular values above the float32 matrix_rank tolerance for a matrix of `shape`."""
    if sigma.numel() == 0:
        return 0.0
    tolerance = sigma.max() * max(shape) * torch.finfo(torch.float32).eps
    return float((sigma > tolerance).sum())


def matrix_entropy(H, *, alpha: float = 1.0001, center: bool = True, name: str = "the response") -> float:
    """Rényi-α entropy (nats) of the normalised eigenvalues σ² of the centred Gram; α = 1 gives Shannon."""
    matrix = as_float64_matrix(H, name=name)
    if matrix.shape[0] < 2:
        return math.nan
    return renyi_entropy_of_eigenvalues(singular_values(matrix, center=center).square(), alpha=alpha)


def renyi_entropy_of_eigenvalues(eigenvalues: torch.Tensor, *, alpha: float) -> float:
    """Rényi-α entropy of eigenvalues normalised to sum 1; exact zeros are left out; all-zero gives 0."""
    if alpha <= 0:
        raise InvalidInputError(f"alpha must be positive, got {alpha}.", "Use alpha=1.0001 (the paper's) or 1.")
    positive = eigenvalues[eigenvalues > 0]
    if positive.numel() == 0:
        return 0.0
    q = positive / positive.sum()
    if abs(alpha - 1.0) < 1e-12:
        return float(-(q * q.log()).sum())
    return float(torch.log((q**alpha).sum()) / (1.0 - alpha))


def curvature(H, *, min_step_norm: float = 1e-6, name: str = "the response") -> float:
    """Mean angle (radians) between successive steps h_{t+1} - h_t of the hidden-state trajectory.

    Steps shorter than `min_step_norm` (a repeated state) have no direction and are skipped, as in the
    reference; unlike it, nothing is cut at 256-token chunk boundaries. NaN when fewer than two steps remain.
    """
    matrix = as_float64_matrix(H, name=name, device=H.device if isinstance(H, torch.Tensor) else "cpu")
    steps = torch.diff(matrix, dim=0)
    norms = torch.linalg.vector_norm(steps, dim=1)
    keep = norms > min_step_norm
    if not bool(keep.all()):  # a copy of the steps only when some are dropped
        steps, norms = steps[keep], norms[keep]
    if steps.shape[0] < 2:
        return math.nan
    dots = (steps[1:].unsqueeze(1) @ steps[:-1].unsqueeze(2)).flatten()  # row-wise dot products, no (T, d) temporary
    cosines = dots / (norms[1:] * norms[:-1])
    return float(torch.arccos(cosines.clamp(-1.0, 1.0)).mean())
