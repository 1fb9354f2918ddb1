"""ER dynamics of a response (SPEC §3): ER over growing prefixes, its velocity ERV and acceleration ERA.

Responses are taken a few at a time: each is turned into float64 on the metrics device only when its group is
solved, so a batch's extra memory is a few responses' float64 matrices and Gram/covariance matrices, whatever its
size. The whole response's spectrum is solved once and kept, so traditional rank and matrix entropy come from the
same solve as ER.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch

from semspace.metrics._arrays import as_float64_matrix, row_count_and_width
from semspace.metrics.placement import Placement, placement
from semspace.metrics.settings import MetricSettings
from semspace.metrics.spectrum import Job, contrast_rows, effective_ranks, prefix_row_count, solve_jobs

# A group of responses holds at most about this many bytes of float64 matrices and Gram/covariance matrices.
GROUP_BYTES = 256 * 2**20


@dataclass(frozen=True)
class RankDynamics:
    """ER of the whole response, ERV and ERA of its prefix series, and the series itself (E_1..E_m)."""

    er: float
    erv: float
    era: float
    prefix_er: np.ndarray


@dataclass(frozen=True)
class ResponseSpectra:
    """A response's dynamics and, from the same solve, the singular values of the whole (centred) response."""

    dynamics: RankDynamics
    whole_sigma: torch.Tensor | None  # None when T < 2


def window_rows(T: int, window: int | None) -> slice:
    """The rows ERV/ERA look at: the last `window` rows when the response is longer, else all."""
    return slice(T - window, T) if window is not None and T > window else slice(0, T)


def prefix_lengths(T_window: int, stride: int) -> list[int]:
    """Lengths s+1, 2s+1, ... of the growing prefixes: ends t = s, 2s, ... while t < T' (SPEC §3.2)."""
    return [t + 1 for t in range(stride, T_window, stride)]


def velocity_and_acceleration(prefix_er: np.ndarray) -> tuple[float, float]:
    """ERV = mean_j (E_j - mean(E_1..E_{j-1})), j >= 2; ERA = mean_j (v_j - v_{j-1}), j >= 3; NaN when too few."""
    values = np.asarray(prefix_er, dtype=np.float64)
    if values.size < 2:
        return math.nan, math.nan
    history_means = np.cumsum(values)[:-1] / np.arange(1, values.size)
    velocity = values[1:] - history_means
    erv = float(velocity.mean())
    era = float(np.diff(velocity).mean()) if velocity.size >= 2 else math.nan
    return erv, era


def rank_dynamics(H, *, stride: int = 40, window: int | None = 512, center: bool = True,
                  spectrum: str = "sigma", name: str = "the response", device: str = "cpu") -> RankDynamics:
    """ER, ERV, ERA and the prefix-ER series of one (T, d) hidden-state matrix; see SPEC §3."""
    return rank_dynamics_batch([H], stride=stride, window=window, center=center, spectrum=spectrum,
                               names=[name], device=device)[0]


def rank_dynamics_batch(list_of_H: Sequence, *, stride: int = 40, window: int | None = 512, center: bool = True,
                        spectrum: str = "sigma", names: Sequence[str] | None = None,
                        device: str = "cpu") -> list[RankDynamics]:
    """rank_dynamics for many responses at once: equal-size eigen-problems of a group share one solve."""
    settings = MetricSettings(stride=stride, window=window, center=center, spectrum=spectrum, device=device)
    return measure_dynamics(list_of_H, settings, names)


def measure_dynamics(list_of_H: Sequence, settings: MetricSettings, names: Sequence[str] | None = None
                     ) -> list[RankDynamics]:
    """rank_dynamics_batch with its settings as one object."""
    return [spectra.dynamics for _, spectra in response_spectra(list_of_H, settings, names)]


def response_spectra(list_of_H: Sequence, settings: MetricSettings, names: Sequence[str] | None = None
                     ) -> Iterator[tuple[torch.Tensor, ResponseSpectra]]:
    """Each response as a float64 matrix on the metrics device, with its spectra, in order, a group at a time.

    The matrix is only valid until the next group is taken: use it (e.g. for curvature) before moving on.
    """
    labels = list(names) if names is not None else [f"response {i}" for i in range(len(list_of_H))]
    where = placement(settings.device)
    for group in _groups_by_memory(list_of_H):
        matrices = [as_float64_matrix(list_of_H[i], name=labels[i], device=where.work) for i in group]
        yield from zip(matrices, _spectra_of_group(matrices, settings, where))


def _groups_by_memory(list_of_H: Sequence) -> Iterator[list[int]]:
    """Indices of consecutive responses whose float64 matrices and Gram/covariance matrices fit GROUP_BYTES."""
    group: list[int] = []
    used = 0
    for index, H in enumerate(list_of_H):
        T, d = row_count_and_width(H)
        cost = 8 * (2 * T * d + min(T, d) ** 2)  # the matrix, its contrasts, its Gram or covariance
        if group and used + cost > GROUP_BYTES:
            yield group
            group, used = [], 0
        group.append(index)
        used += cost
    if group:
        yield group


def _spectra_of_group(matrices: list[torch.Tensor], settings: MetricSettings,
                      where: Placement) -> list[ResponseSpectra]:
    """One spectral solve for every prefix (and the whole response) of every matrix in the group."""
    rows, jobs, layout = [], [], []
    for H in matrices:
        T = H.shape[0]
        windowed = H[window_rows(T, settings.window)]
        prefixes = [prefix_row_count(k, center=settings.center)
                    for k in prefix_lengths(windowed.shape[0], settings.stride)]
        whole = Job(len(rows), prefix_row_count(T, center=settings.center), keep_spectrum=True) if T >= 2 else None
        rows.append(contrast_rows(windowed, center=settings.center))
        prefix_jobs = [Job(len(rows) - 1, r) for r in prefixes]
        if whole is None or windowed.shape[0] == T:
            jobs.append(prefix_jobs + ([whole] if whole is not None else []))
        else:
            jobs.append(prefix_jobs)
            rows.append(contrast_rows(H, center=settings.center))
            whole.owner = len(rows) - 1
            jobs.append([whole])
        layout.append((prefix_jobs, whole))
    solve_jobs(rows, jobs, reduce=partial(effective_ranks, spectrum=settings.spectrum), where=where)
    return [_assemble(prefix_jobs, whole) for prefix_jobs, whole in layout]


def _assemble(prefix_jobs: list[Job], whole: Job | None) -> ResponseSpectra:
    """One response's prefix ERs, whole-response ER and whole spectrum, brought back to the CPU."""
    prefix = torch.stack([job.result for job in prefix_jobs]).cpu().numpy() if prefix_jobs else np.zeros(0)
    erv, era = velocity_and_acceleration(prefix)
    er = float(whole.result) if whole is not None else math.nan
    sigma = whole.spectrum.cpu() if whole is not None else None
    return ResponseSpectra(RankDynamics(er=er, erv=erv, era=era, prefix_er=prefix.astype(np.float64)), sigma)
