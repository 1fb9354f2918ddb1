"""Entropy advantage shaping (Cheng et al. 2025; SPEC §7): a per-token bonus ψ_t = min(α·H_t, |A0|/κ)."""

from __future__ import annotations

import torch

from semspace.errors import InvalidInputError
from semspace.shaping.placement import LazyStats, checked_mask, compute_dtype, response_advantages
from semspace.shaping.stateless import StatelessShaper


class EntropyShaper(StatelessShaper):
    """A'_t = A0 + min(α·H_t, |A0|/κ) on valid tokens, H_t the detached policy entropy of token t."""

    requires = ("token_entropy", "completion_mask")

    def __init__(self, alpha: float = 0.4, kappa: float = 2.0):
        if not alpha >= 0.0:
            raise InvalidInputError(f"alpha must be non-negative, got {alpha}.", "Use e.g. 0.4.")
        if not kappa > 0.0:
            raise InvalidInputError(f"kappa must be positive, got {kappa}.", "Use e.g. 2.0 (bonus ≤ |A0|/2).")
        self.alpha, self.kappa = alpha, kappa
        self._last = LazyStats(dict)

    def __call__(self, advantages: torch.Tensor, *, token_entropy: torch.Tensor,
                 completion_mask: torch.Tensor) -> torch.Tensor:
        """(B,) advantages and (B, T) token entropies from any device in, (B, T) shaped advantages out, on the
        advantages' device and in their dtype."""
        advantages = response_advantages(advantages)
        dtype = compute_dtype(advantages.device)
        a0 = advantages.to(dtype)[:, None]
        valid = checked_mask(completion_mask, a0.shape[0]).to(a0.device)
        entropy = token_entropy.detach().to(dtype=dtype, device=a0.device)
        if entropy.shape != valid.shape:
            raise InvalidInputError(f"token_entropy has shape {tuple(entropy.shape)}, mask {tuple(valid.shape)}.",
                                    "Pass one entropy per completion token.")
        psi = torch.where(valid, torch.minimum(self.alpha * entropy, a0.abs() / self.kappa), torch.zeros_like(entropy))
        self._last = LazyStats(lambda: _stats(psi, valid))
        return (a0 + psi).to(advantages.dtype)

    @property
    def last_stats(self) -> dict[str, float]:
        """Share of valid tokens given a bonus and mean bonus per valid token, of the last call."""
        return self._last.read()


def _stats(psi: torch.Tensor, valid: torch.Tensor) -> dict[str, float]:
    tokens = max(int(valid.sum()), 1)
    return {"bonus_fraction": float((psi > 0).sum()) / tokens, "mean_bonus": float(psi.sum()) / tokens}
