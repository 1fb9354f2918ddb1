"""ER dynamics of a response (SPEC §3): ER over growing prefixes, its velocity ERV and acceleration ERA."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch

from semspace.metrics._arrays import as_float64_matrix, check_positive_int
from semspace.metrics.rank import check_spectrum
from semspace.metrics.spectrum import contrast_rows, effective_ranks, leading_block_spectra, prefix_row_count

# Responses are processed in groups whose Gram matrices stay under this many bytes.
GROUP_BYTES = 512 * 2**20


@dataclass(frozen=True)
class RankDynamics:
    """ER of the whole response, ERV and ERA of its prefix series, and the series itself (E_1..E_m)."""

    er: float
    erv: float
    era: float
    prefix_er: np.ndarray


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
                  spectrum: str = "sigma", name: str = "the response") -> RankDynamics:
    """ER, ERV, ERA and the prefix-ER series of one (T, d) hidden-state matrix; see SPEC §3."""
    return rank_dynamics_batch([H], stride=stride, window=window, center=center, spectrum=spectrum,
                               names=[name])[0]


def rank_dynamics_batch(list_of_H: Sequence, *, stride: int = 40, window: int | None = 512, center: bool = True,
                        spectrum: str = "sigma", names: Sequence[str] | None = None) -> list[RankDynamics]:
    """rank_dynamics for many responses at once: equal-size eigen-problems of all of them share one solve."""
    check_positive_int(stride, name="stride")
    check_positive_int(window, name="window", allow_none=True)
    check_spectrum(spectrum)
    labels = list(names) if names is not None else [f"response {i}" for i in range(len(list_of_H))]
    matrices = [as_float64_matrix(H, name=label) for H, label in zip(list_of_H, labels)]
    results: list[RankDynamics] = []
    for group in _groups_by_memory(matrices):
        results.extend(_dynamics_of_group(group, stride=stride, window=window, center=center, spectrum=spectrum))
    return results


def _groups_by_memory(matrices: list[torch.Tensor]) -> list[list[torch.Tensor]]:
    """Split responses into consecutive groups whose Gram matrices together fit GROUP_BYTES."""
    groups: list[list[torch.Tensor]] = [[]]
    used = 0
    for matrix in matrices:
        side = min(matrix.shape)
        cost = 8 * side * side
        if groups[-1] and used + cost > GROUP_BYTES:
            groups.append([])
            used = 0
        groups[-1].append(matrix)
        used += cost
    return [group for group in groups if group]


def _dynamics_of_group(matrices: list[torch.Tensor], *, stride: int, window: int | None, center: bool,
                       spectrum: str) -> list[RankDynamics]:
    """One spectral solve for every prefix (and the whole response) of every matrix in the group."""
    rows, counts, layout = [], [], []
    for H in matrices:
        T = H.shape[0]
        windowed = H[window_rows(T, window)]
        prefix_counts = [prefix_row_count(k, center=center) for k in prefix_lengths(windowed.shape[0], stride)]
        whole_count = prefix_row_count(T, center=center) if T >= 2 else None
        rows.append(contrast_rows(windowed, center=center))
        if whole_count is None or windowed.shape[0] == T:
            counts.append(prefix_counts + ([whole_count] if whole_count is not None else []))
            layout.append((len(rows) - 1, None))
        else:
            counts.append(prefix_counts)
            rows.append(contrast_rows(H, center=center))
            counts.append([whole_count])
            layout.append((len(rows) - 2, len(rows) - 1))
    ers = leading_block_spectra(rows, counts, reduce=partial(effective_ranks, spectrum=spectrum))
    return [_assemble(ers, H.shape[0], windowed_at, whole_at) for H, (windowed_at, whole_at) in zip(matrices, layout)]


def _assemble(ers: list[list[torch.Tensor]], T: int, windowed_at: int, whole_at: int | None) -> RankDynamics:
    """Collect one response's prefix ERs and whole-response ER from the group's results."""
    values = [float(v) for v in ers[windowed_at]]
    if T < 2:
        prefix, whole = values, math.nan
    elif whole_at is None:
        prefix, whole = values[:-1], values[-1]
    else:
        prefix, whole = values, float(ers[whole_at][0])
    erv, era = velocity_and_acceleration(np.asarray(prefix))
    return RankDynamics(er=whole, erv=erv, era=era, prefix_er=np.asarray(prefix, dtype=np.float64))
