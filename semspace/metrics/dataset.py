"""Dataset-level ("global") metrics of paper Fig. 3: the spread of many responses' mean hidden states."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from semspace.errors import InvalidInputError
from semspace.metrics._arrays import as_float64_matrix
from semspace.metrics.dynamics import (
    RankDynamics,
    prefix_lengths,
    rank_dynamics,
    velocity_and_acceleration,
    window_rows,
)
from semspace.metrics.rank import effective_rank, traditional_rank


def mean_pooled(list_of_H: Sequence, names: Sequence[str] | None = None) -> torch.Tensor:
    """Stack each response's mean hidden state into a (B, d) float64 matrix, in the given order."""
    labels = list(names) if names is not None else [f"response {i}" for i in range(len(list_of_H))]
    rows = [as_float64_matrix(H, name=label) for H, label in zip(list_of_H, labels)]
    if any(row.shape[0] == 0 for row in rows):
        raise InvalidInputError("A response with no tokens cannot be mean-pooled.", "Drop empty responses first.")
    return torch.stack([row.mean(dim=0) for row in rows])


def global_rank(list_of_H: Sequence, *, center: bool = True, spectrum: str = "sigma") -> float:
    """ER of the B×d matrix of mean-pooled responses: how many directions a set of answers spans."""
    return effective_rank(mean_pooled(list_of_H), center=center, spectrum=spectrum, name="the pooled batch")


def global_traditional_rank(list_of_H: Sequence, *, center: bool = True) -> float:
    """Traditional (numerical) rank of the mean-pooled B×d matrix, the Fig. 3 comparison curve."""
    return traditional_rank(mean_pooled(list_of_H), center=center, name="the pooled batch")


def cumulative_dynamics(list_of_H: Sequence, *, stride: int = 20, window: int | None = 512,
                        center: bool = True, spectrum: str = "sigma") -> RankDynamics:
    """SPEC §3 run over the sample axis of the pooled matrix: "cumulative" ERV/ERA (reference stride 20)."""
    return rank_dynamics(mean_pooled(list_of_H), stride=stride, window=window, center=center, spectrum=spectrum,
                         name="the pooled batch")


def cumulative_traditional_dynamics(list_of_H: Sequence, *, stride: int = 20, window: int | None = 512,
                                    center: bool = True) -> RankDynamics:
    """The Fig. 3 comparison curve: SPEC §3's prefix series over the pooled matrix, on traditional rank, not ER."""
    pooled = mean_pooled(list_of_H)
    whole = traditional_rank(pooled, center=center, name="the pooled batch")
    rows = pooled[window_rows(pooled.shape[0], window)]
    series = np.array([traditional_rank(rows[:length], center=center, name="the pooled batch")
                       for length in prefix_lengths(rows.shape[0], stride)])
    velocity, acceleration = velocity_and_acceleration(series)
    return RankDynamics(er=whole, erv=velocity, era=acceleration, prefix_er=series)
