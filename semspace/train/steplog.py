"""One row per training step (SPEC §7): reward, accuracy, length, entropy, ER/ERV/ERA by correctness, global ranks."""

from __future__ import annotations

import math

import torch

from semspace.metrics import (
    cumulative_dynamics,
    cumulative_traditional_dynamics,
    global_rank,
    global_traditional_rank,
)

# Per-response columns gathered across processes before a step row is made from them.
RESPONSE_COLUMNS = ("reward", "correct", "length", "token_entropy", "er", "erv", "era")
INDICATORS = ("er", "erv", "era")
GLOBAL_COLUMNS = ("global_er", "global_trad_rank", "global_erv", "global_era", "global_trad_erv", "global_trad_era")


def step_prompt_id(step: int) -> str:
    """The key of a step's row in the run (RunWriter keys rows by prompt_id)."""
    return f"step-{step:06d}"


def finite_mean(values: torch.Tensor) -> float:
    """Mean of the finite values; NaN when there are none (e.g. no correct response this step)."""
    finite = values[values.isfinite()]
    return float(finite.mean()) if finite.numel() else math.nan


def step_row(step: int, responses: torch.Tensor, pooled: torch.Tensor, shaper_stats: dict[str, float], *,
             global_stride: int = 20) -> dict:
    """The row of one step from the (N, len(RESPONSE_COLUMNS)) response table and the (N, d) mean-pooled H."""
    column = {name: responses[:, i].double().cpu() for i, name in enumerate(RESPONSE_COLUMNS)}
    correct = column["correct"] > 0.5
    row = {"prompt_id": step_prompt_id(step), "sample": 0, "step": step, "responses": int(responses.shape[0]),
           "reward_mean": finite_mean(column["reward"]), "accuracy": float(correct.double().mean()),
           "length_mean": finite_mean(column["length"]), "token_entropy_mean": finite_mean(column["token_entropy"])}
    for name in INDICATORS:
        values = column[name]
        row[f"{name}_mean"] = finite_mean(values)
        row[f"{name}_mean_correct"] = finite_mean(values[correct])
        row[f"{name}_mean_incorrect"] = finite_mean(values[~correct])
    row.update(dataset_level(pooled, global_stride))
    row.update({f"shaper_{key}": float(value) for key, value in shaper_stats.items()})
    return row


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
