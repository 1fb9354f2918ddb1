"""Every hidden-state metric of SPEC §2-4 for a batch of responses, from one spectrum per whole response."""

from __future__ import annotations

import math
from collections.abc import Sequence

from semspace.metrics.dynamics import ResponseSpectra, response_spectra
from semspace.metrics.rank import curvature, rank_from_singular_values, renyi_entropy_of_eigenvalues
from semspace.metrics.settings import MetricSettings

MATRIX_ENTROPY_ALPHA = 1.0001


def response_metrics_batch(list_of_H: Sequence, *, stride: int = 40, window: int | None = 512, center: bool = True,
                           spectrum: str = "sigma", names: Sequence[str] | None = None,
                           device: str = "cpu") -> list[dict]:
    """er, erv, era, prefix_er, trad_rank, matrix_entropy and curvature of each (T, d) matrix."""
    settings = MetricSettings(stride=stride, window=window, center=center, spectrum=spectrum, device=device)
    return measure_responses(list_of_H, settings, names)


def measure_responses(list_of_H: Sequence, settings: MetricSettings, names: Sequence[str] | None = None
                      ) -> list[dict]:
    """response_metrics_batch with its settings as one object."""
    return [_row(matrix, spectra) for matrix, spectra in response_spectra(list_of_H, settings, names)]


def _row(matrix, spectra: ResponseSpectra) -> dict:
    """One response's metrics; traditional rank and matrix entropy read off the spectrum ER came from."""
    dynamics, sigma = spectra.dynamics, spectra.whole_sigma
    whole = {"trad_rank": math.nan, "matrix_entropy": math.nan} if sigma is None else {
        "trad_rank": rank_from_singular_values(sigma, shape=tuple(matrix.shape)),
        "matrix_entropy": renyi_entropy_of_eigenvalues(sigma.square(), alpha=MATRIX_ENTROPY_ALPHA)}
    return {"er": dynamics.er, "erv": dynamics.erv, "era": dynamics.era, "prefix_er": dynamics.prefix_er, **whole,
            "curvature": curvature(matrix)}
