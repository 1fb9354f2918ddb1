"""A training step's shaping, on the trainer: verl's GRPO advantages, the indicators the actor's engine returned, a
`semspace.shaping` shaper (SPEC §7) with batch means over the whole batch, and the step's `semspace/*` metrics (the
same numbers `semspace train` logs), all read from the padded batch verl builds for its own advantages."""

from __future__ import annotations

import torch
from verl import DataProto

from semspace.integrations.verl.engine import INDICATORS, MEAN_STATE
from semspace.metrics.training import RESPONSE_COLUMNS, finite_mean, step_metrics, tracker_metrics

# What the step reads from TransferQueue after verl's advantages (response-aligned, per response, or (d,)).
FIELDS = ("response_mask", "advantages", "rm_scores", "entropy", INDICATORS, MEAN_STATE)
INDICATOR_NAMES = ("er", "erv", "era")


def shape_step(shaper, batch: DataProto, real: torch.Tensor, *, global_stride: int,
               correct_above: float) -> tuple[torch.Tensor, dict[str, float]]:
    """The (B, T) shaped advantages of `batch` (FIELDS, padded) and its tracker metrics. Only the responses marked
    `real` are shaped and counted: verl's padding samples keep their (zero) advantages."""
    tensors = batch.batch[real]
    mask = tensors["response_mask"].bool()
    table = response_table(tensors, mask, correct_above)
    indicators = {name: table[:, RESPONSE_COLUMNS.index(name)] for name in INDICATOR_NAMES}
    available = {**indicators, "batch_means": {name: finite_mean(values) for name, values in indicators.items()},
                 "token_entropy": tensors["entropy"], "completion_mask": mask}
    shaped = shaper(outcome_advantages(tensors["advantages"], mask), **{key: available[key] for key in shaper.requires})
    advantages = batch.batch["advantages"].clone()
    advantages[real] = ((shaped if shaped.ndim == 2 else shaped[:, None]) * mask).to(advantages.dtype)
    numbers = step_metrics(table, tensors[MEAN_STATE], global_stride=global_stride)
    return advantages, tracker_metrics(numbers, shaper.last_stats)


def outcome_advantages(advantages: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Each response's one GRPO advantage A0 (its value on every valid token; 0 for a response without any)."""
    first_valid = mask.int().argmax(1, keepdim=True)
    outcome = advantages.gather(1, first_valid).squeeze(1) * mask.any(1)
    if not torch.equal(advantages * mask, outcome[:, None] * mask):
        raise RuntimeError("verl's advantages vary within a response, but semspace shapes one outcome advantage per "
                           "response; this verl release is not supported (see the `verl` extra in pyproject.toml).")
    return outcome


def response_table(tensors, mask: torch.Tensor, correct_above: float) -> torch.Tensor:
    """The (B, len(RESPONSE_COLUMNS)) float64 table `step_metrics` reads: reward (the sum of verl's rm_scores),
    correct (reward above `correct_above`), length and mean token entropy over response_mask, ER, ERV, ERA."""
    valid = mask.double()
    length = valid.sum(1)
    reward = tensors["rm_scores"].double().sum(1)
    er, erv, era = tensors[INDICATORS].double().unbind(1)
    columns = {"reward": reward, "correct": (reward > correct_above).double(), "length": length,
               "token_entropy": (tensors["entropy"].double() * valid).sum(1) / length, "er": er, "erv": erv, "era": era}
    return torch.stack([columns[name] for name in RESPONSE_COLUMNS], 1)
