"""What the shapers and the step log read from a generation batch: the policy's last-layer states (after the final
norm) and token entropies over each completion, taken from TRL's own forward of the policy, and ER/ERV/ERA.

TRL runs the policy's forward through its fused LM head (`model(..., fused_lm_head=True)`), which calls the backbone
once per micro-batch. A forward hook on the backbone keeps the rows that produced each completion token (SPEC §1,
`predictive`): for a prompt left-padded to P and completions right-padded to C, positions P-1 .. P+C-2, i.e. the
last C+1 positions but one. Because the forward is TRL's, it runs on the wrapped model exactly as TRL's own
log-prob passes do (DDP, DeepSpeed ZeRO-3, FSDP gather their parameters there).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from accelerate.utils import is_peft_model

from semspace.metrics import MetricSettings, measure_dynamics


@dataclass
class PolicyPass:
    """One forward of the policy over a batch: (B, C, d) predictive states and (B, C) token entropies."""

    states: torch.Tensor
    entropies: torch.Tensor


@dataclass
class Signals:
    """Per completion of the local batch: last-layer H (T_i, d), indicators (B,), entropies (B, C) zero-padded."""

    hidden: list[torch.Tensor]
    er: torch.Tensor
    erv: torch.Tensor
    era: torch.Tensor
    token_entropy: torch.Tensor
    valid: torch.Tensor

    @property
    def lengths(self) -> torch.Tensor:
        """Completion lengths in tokens (the rows of H)."""
        return self.valid.sum(1).double()

    @property
    def mean_token_entropy(self) -> torch.Tensor:
        """Mean token entropy of each completion (NaN for an empty one)."""
        return self.token_entropy.double().sum(1) / self.lengths

    @property
    def pooled(self) -> torch.Tensor:
        """(B, d) float64: each completion's mean state (NaN for an empty one)."""
        return torch.stack([h.double().mean(0) for h in self.hidden])


def backbone(model) -> torch.nn.Module:
    """The decoder stack whose output is the last layer after the final norm (under PEFT, the base model's)."""
    causal_lm = model.get_base_model() if is_peft_model(model) else model
    return causal_lm.base_model


@contextmanager
def predictive_states(model, completion_width: int) -> Iterator[list[torch.Tensor]]:
    """Collect, for each backbone forward inside, the rows that produced the last `completion_width` tokens."""
    collected: list[torch.Tensor] = []

    def keep(module, args, output) -> None:
        last = output.last_hidden_state if hasattr(output, "last_hidden_state") else output[0]
        collected.append(last[:, -(completion_width + 1):-1].detach().cpu())

    handle = backbone(model).register_forward_hook(keep)
    try:
        yield collected
    finally:
        handle.remove()


def completion_signals(policy_pass: PolicyPass, valid: torch.Tensor, settings: MetricSettings) -> Signals:
    """H of each completion (its valid rows), ER/ERV/ERA (SPEC §3) and masked token entropies."""
    valid = valid.cpu().bool()
    hidden = [states[keep] for states, keep in zip(policy_pass.states, valid)]
    dynamics = measure_dynamics(hidden, settings)
    entropy = torch.where(valid, policy_pass.entropies.detach().float().cpu(), torch.zeros(()))
    er, erv, era = (torch.tensor([getattr(d, k) for d in dynamics], dtype=torch.float64) for k in ("er", "erv", "era"))
    return Signals(hidden, er, erv, era, entropy, valid)
