"""A training step in numbers (SPEC §7): reward, accuracy, length, token entropy, ER/ERV/ERA over all, correct and
incorrect responses, and the dataset-level ranks of the batch's mean-pooled states (paper Fig. 3).

Shared by every trainer semspace plugs into (TRL's GRPOTrainer, verl), so their logs mean the same thing.
"""

from __future__ import annotations

import math

import torch

from semspace.metrics.dataset import (
    cumulative_dynamics,
    cumulative_traditional_dynamics,
    global_rank,
    global_traditional_rank,
)

# Per-response columns of a step's table, gathered across processes before the step's metrics are made from it.
RESPONSE_COLUMNS = ("reward", "correct", "length", "token_entropy", "er", "erv", "era")
INDICATORS = ("er", "erv", "era")
GLOBAL_COLUMNS = ("global_er", "global_trad_rank", "global_erv", "global_era", "global_trad_erv", "global_trad_era")
TRACKER_PREFIX = "semspace/"


def finite_mean(values: torch.Tensor) -> float:
    """Mean of the finite values; NaN when there are none (e.g. no correct response this step)."""
    finite = values[values.isfinite()]
    return float(finite.mean()) if finite.numel() else math.nan


def step_metrics(responses: torch.Tensor, pooled: torch.Tensor, *, global_stride: int = 20) -> dict[str, float]:
    """The step's numbers from its (N, len(RESPONSE_COLUMNS)) response table and (N, d) mean-pooled states."""
    column = {name: responses[:, i].double().cpu() for i, name in enumerate(RESPONSE_COLUMNS)}
    correct = column["correct"] > 0.5
    metrics = {"responses": float(responses.shape[0]), "reward_mean": finite_mean(column["reward"]),
               "accuracy": float(correct.double().mean()), "length_mean": finite_mean(column["length"]),
               "token_entropy_mean": finite_mean(column["token_entropy"])}
    for name in INDICATORS:
        values = column[name]
        metrics[f"{name}_mean"] = finite_mean(values)
        metrics[f"{name}_mean_correct"] = finite_mean(values[correct])
        metrics[f"{name}_mean_incorrect"] = finite_mean(values[~correct])
    metrics.update(dataset_level(pooled[pooled.isfinite().all(1)], global_stride))  # empty responses have no mean
    return metrics


def dataset_level(pooled: torch.Tensor, stride: int) -> dict[str, float]:
    """Fig. 3's columns: ER and traditional rank of the batch's pooled states, and their cumulative ERV/ERA
    over the batch's sample axis (NaN while the batch has too few responses for 2 or 3 prefixes)."""
    rows_of_pooled = [vector[None] for vector in pooled.double().cpu()]
    if len(rows_of_pooled) < 2:
        return {name: math.nan for name in GLOBAL_COLUMNS}
    by_er = cumulative_dynamics(rows_of_pooled, stride=stride)
    by_rank = cumulative_traditional_dynamics(rows_of_pooled, stride=stride)
    values = (global_rank(rows_of_pooled), global_traditional_rank(rows_of_pooled),
              by_er.erv, by_er.era, by_rank.erv, by_rank.era)
    return dict(zip(GLOBAL_COLUMNS, values))


def tracker_metrics(metrics: dict[str, float], shaper_stats: dict[str, float]) -> dict[str, float]:
    """What a trainer's tracker (tensorboard, wandb, trackio) gets: every finite number under `semspace/`, the
    shaper's as `semspace/shaper_<name>`; NaN ones (undefined this step) are left out rather than logged."""
    named = {**metrics, **{f"shaper_{key}": value for key, value in shaper_stats.items()}}
    return {TRACKER_PREFIX + key: float(value) for key, value in named.items() if math.isfinite(value)}
