"""What every shaper shares: checks, the device and dtype it computes in, lazily read statistics, and the placement
of a per-response bonus onto (B,) or (B, T) advantages."""

from __future__ import annotations

from collections.abc import Callable

import torch

from semspace.errors import InvalidInputError


def check_choice(option: str, value: str, choices: tuple[str, ...]) -> None:
    """Refuse a setting outside its closed list, naming the valid ones."""
    if value not in choices:
        raise InvalidInputError(f"Unknown {option} {value!r}.", f"Use one of: {', '.join(choices)}.")


def compute_dtype(device: torch.device) -> torch.dtype:
    """Shapers compute in float64 on the advantages' device; MPS has no float64, so float32 there."""
    return torch.float32 if device.type == "mps" else torch.float64


class LazyStats:
    """A shaper's per-call statistics, turned into Python floats only when read: reading them waits for the
    accelerator, which shaping itself must not."""

    def __init__(self, compute: Callable[[], dict[str, float]]):
        self._compute, self._value = compute, None

    def read(self) -> dict[str, float]:
        """The statistics, computed on the first read."""
        if self._value is None:
            self._value = self._compute()
        return self._value


def response_advantages(advantages: torch.Tensor) -> torch.Tensor:
    """The (B,) outcome advantages, one per response, as the RL algorithm gives them."""
    if not isinstance(advantages, torch.Tensor) or advantages.ndim != 1:
        raise InvalidInputError("Advantages must be a 1-D torch tensor (one per response).",
                                "Pass the (B,) outcome advantages before any shaping.")
    return advantages


def checked_mask(mask: torch.Tensor, batch: int) -> torch.Tensor:
    """A (B, T) completion mask as bool."""
    if mask.ndim != 2 or mask.shape[0] != batch:
        raise InvalidInputError(f"completion_mask has shape {tuple(mask.shape)}, expected ({batch}, T).",
                                "Pass the (B, T) mask of valid completion tokens.")
    return mask.bool()


def last_valid(mask: torch.Tensor) -> torch.Tensor:
    """True at each row's last valid token (works for any padding side)."""
    counts = mask.long().cumsum(1)
    return mask & (counts == counts[:, -1:])


def place_bonus(advantages: torch.Tensor, bonus: torch.Tensor, mask: torch.Tensor | None, *,
                last_token: bool) -> torch.Tensor:
    """A0 + bonus: (B,) without a mask, else (B, T) with the bonus on every valid token or on the last one only."""
    bonus = bonus.to(dtype=advantages.dtype, device=advantages.device)
    if mask is None:
        if last_token:
            raise InvalidInputError("Scope last-token needs the completion mask.", "Pass completion_mask=(B, T).")
        return advantages + bonus
    valid = checked_mask(mask, advantages.shape[0]).to(advantages.device)
    where = last_valid(valid) if last_token else valid
    return advantages[:, None] + bonus[:, None] * where.to(advantages.dtype)
