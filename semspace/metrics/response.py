"""Every hidden-state metric of SPEC §2-4 for a batch of responses, sharing work where the math allows."""

from __future__ import annotations

import math
from collections.abc import Sequence

from semspace.metrics._arrays import as_float64_matrix
from semspace.metrics.dynamics import rank_dynamics_batch
from semspace.metrics.rank import curvature, rank_from_singular_values, renyi_entropy_of_eigenvalues
from semspace.metrics.spectrum import singular_values

MATRIX_ENTROPY_ALPHA = 1.0001


def response_metrics_batch(list_of_H: Sequence, *, stride: int = 40, window: int | None = 512, center: bool = True,
                           spectrum: str = "sigma", names: Sequence[str] | None = None) -> list[dict]:
    """er, erv, era, prefix_er, trad_rank, matrix_entropy and curvature of each (T, d) matrix."""
    labels = list(names) if names is not None else [f"response {i}" for i in range(len(list_of_H))]
    matrices = [as_float64_matrix(H, name=label) for H, label in zip(list_of_H, labels)]
    dynamics = rank_dynamics_batch(matrices, stride=stride, window=window, center=center, spectrum=spectrum,
                                   names=labels)
    rows = []
    for matrix, dyn in zip(matrices, dynamics):
        whole = _whole_matrix_metrics(matrix, center=center)
        rows.append({"er": dyn.er, "erv": dyn.erv, "era": dyn.era, "prefix_er": dyn.prefix_er, **whole,
                     "curvature": curvature(matrix)})
    return rows


def _whole_matrix_metrics(matrix, *, center: bool) -> dict:
    """Traditional rank and matrix entropy, both read off one spectrum of the whole response."""
    if matrix.shape[0] < 2:
        return {"trad_rank": math.nan, "matrix_entropy": math.nan}
    sigma = singular_values(matrix, center=center)
    return {"trad_rank": rank_from_singular_values(sigma, shape=tuple(matrix.shape)),
            "matrix_entropy": renyi_entropy_of_eigenvalues(sigma.square(), alpha=MATRIX_ENTROPY_ALPHA)}
