"""What the shapers and the step log read from a generation batch: the policy's H, ER/ERV/ERA, token entropies."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from semspace.collect.capture import capture
from semspace.metrics import rank_dynamics_batch


@dataclass
class Signals:
    """Per completion of the local batch: ids, last-layer H (T_i, d), indicators (B,), entropies (B, T) padded."""

    prompt_ids: list[list[int]]
    completion_ids: list[list[int]]
    hidden: list[torch.Tensor]
    er: torch.Tensor
    erv: torch.Tensor
    era: torch.Tensor
    token_entropy: torch.Tensor

    @property
    def lengths(self) -> torch.Tensor:
        """Completion lengths in tokens."""
        return torch.tensor([len(ids) for ids in self.completion_ids], dtype=torch.float64)

    @property
    def mean_token_entropy(self) -> torch.Tensor:
        """Mean token entropy of each completion (NaN for an empty one)."""
        totals = self.token_entropy.double().sum(1)
        return totals / self.lengths


def unpadded(ids: torch.Tensor, mask: torch.Tensor) -> list[list[int]]:
    """The valid ids of each row, whatever the padding side."""
    return [row[keep.bool()].tolist() for row, keep in zip(ids.cpu(), mask.cpu())]


def completion_signals(model, prompt_ids: torch.Tensor, prompt_mask: torch.Tensor, completion_ids: torch.Tensor,
                       completion_mask: torch.Tensor, *, stride: int, window: int | None) -> Signals:
    """One no-grad teacher-forced pass of the policy (eval mode, so dropout cannot move H) over each pair."""
    prompts, completions = unpadded(prompt_ids, prompt_mask), unpadded(completion_ids, completion_mask)
    was_training = model.training
    model.eval()
    try:
        captures = capture(model, prompts, completions, align="predictive")
    finally:
        model.train(was_training)
    hidden = [c.hidden for c in captures]
    dynamics = rank_dynamics_batch(hidden, stride=stride, window=window)
    entropy = torch.zeros(completion_mask.shape, dtype=torch.float32)
    valid = completion_mask.cpu().bool()
    for row, c in enumerate(captures):
        entropy[row, valid[row]] = torch.as_tensor(c.tokens.entropy, dtype=torch.float32)
    er, erv, era = (torch.tensor([getattr(d, k) for d in dynamics], dtype=torch.float64) for k in ("er", "erv", "era"))
    return Signals(prompts, completions, hidden, er, erv, era, entropy)
