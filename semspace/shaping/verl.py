"""VERL advantage shaping (SPEC §7): a bonus from ER, ERV and ERA deviations against slow baselines."""

from __future__ import annotations

import math

import torch

from semspace.errors import InvalidInputError
from semspace.shaping.placement import LazyStats, check_choice, compute_dtype, place_bonus, response_advantages

INDICATORS = ("er", "erv", "era")
MODES = ("adaptive", "fixed", "sum")
SCOPES = ("sequence", "last-token")
BASELINES = ("ema", "reference")
DEVIATION_EPS = 1e-8
DEVIATION_CLIP = 5.0


class VerlShaper:
    """A' = A0 + min(relu(aux), |A0|/κ); the baselines μ are state carried from step to step."""

    requires = ("er", "erv", "era", "completion_mask", "batch_means")

    def __init__(self, ema_alpha: float = 0.3, gain: float = 2.0, weight: float = 1.0, kappa: float = 2.0,
                 mode: str = "adaptive", scope: str = "sequence", baseline: str = "ema"):
        check_choice("mode", mode, MODES)
        check_choice("scope", scope, SCOPES)
        check_choice("baseline", baseline, BASELINES)
        if not 0.0 < ema_alpha <= 1.0:
            raise InvalidInputError(f"ema_alpha must lie in (0, 1], got {ema_alpha}.", "Use e.g. 0.3.")
        if not kappa > 0.0:
            raise InvalidInputError(f"kappa must be positive, got {kappa}.", "Use e.g. 2.0 (bonus ≤ |A0|/2).")
        self.ema_alpha, self.gain, self.weight, self.kappa = ema_alpha, gain, weight, kappa
        self.mode, self.scope, self.baseline = mode, scope, baseline
        self.step = 0
        self.mu: dict[str, float | None] = {k: (0.0 if baseline == "reference" else None) for k in INDICATORS}
        self.pending: dict[str, float | None] | None = None
        self._last = LazyStats(dict)

    @property
    def used(self) -> tuple[str, ...]:
        """Indicators the mode reads: a NaN in any of them withholds a response's bonus."""
        return INDICATORS if self.mode == "adaptive" else ("er", "erv")

    def __call__(self, advantages: torch.Tensor, *, er, erv, era, completion_mask: torch.Tensor | None = None,
                 batch_means: dict[str, float] | None = None) -> torch.Tensor:
        """Shape (B,) advantages on their own device; the indicators may live on any device.

        `batch_means` overrides the baseline update (e.g. means gathered across ranks).
        """
        a0 = response_advantages(advantages)
        given = {k: _indicator(k, v, a0.shape[0]) for k, v in zip(INDICATORS, (er, erv, era))}
        means = _checked_means(batch_means) if batch_means is not None else \
            {k: _finite_mean(v) for k, v in given.items()}
        dtype = compute_dtype(a0.device)
        x = {k: v.to(device=a0.device, dtype=dtype) for k, v in given.items()}
        active = self.baseline == "ema" or self.pending is not None
        mu_used = {k: math.nan if m is None else m for k, m in self.mu.items()}
        delta = {k: _deviation(v, mu_used[k]) for k, v in x.items()}
        aux, beta = self._aux(delta)
        eligible = torch.stack([delta[k].isfinite() for k in self.used]).all(0) & active
        cap = a0.to(dtype).abs() / self.kappa
        bonus = torch.where(eligible, torch.minimum(torch.relu(aux), cap), torch.zeros_like(aux))
        self._advance(means)
        self._last = LazyStats(lambda: _stats(self.step, active, mu_used, beta, eligible, bonus))
        return place_bonus(advantages, bonus, completion_mask, last_token=self.scope == "last-token")

    @property
    def last_stats(self) -> dict[str, float]:
        """What the last call did: μ used, mean β, share of responses with a bonus, mean bonus (read on demand, so
        shaping itself never waits for the accelerator)."""
        return self._last.read()

    def _aux(self, delta: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor | None]:
        """aux = λ[β tanh δ_ER + (1−β) tanh δ_ERV] with β per mode; `sum` has no β (returned as None)."""
        explore, exploit = torch.tanh(delta["er"]), torch.tanh(delta["erv"])
        if self.mode == "sum":
            return self.weight * (explore + exploit), None
        beta = torch.sigmoid(self.gain * delta["era"]) if self.mode == "adaptive" else torch.full_like(explore, 0.5)
        return self.weight * (beta * explore + (1.0 - beta) * exploit), beta

    def _advance(self, means: dict[str, float]) -> None:
        """Update μ after shaping: `ema` with this step's means, `reference` with the previous step's (2-step lag)."""
        self.step += 1
        if self.baseline == "ema":
            self._blend(means)
            return
        if self.pending is not None:
            self._blend({k: math.nan if m is None else m for k, m in self.pending.items()})
        self.pending = {k: (m if math.isfinite(m) else None) for k, m in means.items()}

    def _blend(self, means: dict[str, float]) -> None:
        """μ ← (1−α)μ + α·mean per channel; an unset μ takes the mean; a NaN mean leaves μ as it is."""
        for k, m in means.items():
            if math.isfinite(m):
                old = self.mu[k]
                self.mu[k] = m if old is None else (1.0 - self.ema_alpha) * old + self.ema_alpha * m

    def state_dict(self) -> dict:
        """JSON-ready state: baselines, step count and, for `reference`, the previous step's means."""
        return {"baseline": self.baseline, "step": self.step, "mu": dict(self.mu),
                "pending": None if self.pending is None else dict(self.pending)}

    def load_state_dict(self, state: dict) -> None:
        """Continue from a saved state; refuses one written under another baseline."""
        if state.get("baseline") != self.baseline:
            raise InvalidInputError(f"Shaper state was saved with baseline {state.get('baseline')!r}, "
                                    f"this shaper uses {self.baseline!r}.", "Resume with the same --verl-baseline.")
        self.step = int(state["step"])
        self.mu = {k: state["mu"][k] for k in INDICATORS}
        self.pending = None if state["pending"] is None else {k: state["pending"][k] for k in INDICATORS}


def _indicator(name: str, values, batch: int) -> torch.Tensor:
    """One indicator as a float64 (B,) tensor on the device it came on, checked against the batch size."""
    x = torch.as_tensor(values).detach().to(dtype=torch.float64)
    if x.shape != (batch,):
        raise InvalidInputError(f"Indicator {name} has shape {tuple(x.shape)}, expected ({batch},).",
                                "Pass one value per response.")
    return x


def _finite_mean(x: torch.Tensor) -> float:
    """Mean over the finite values: NaN responses are left out; NaN when none is finite."""
    finite = x[x.isfinite()]
    return float(finite.mean()) if finite.numel() else math.nan


def _checked_means(means: dict[str, float]) -> dict[str, float]:
    """Batch means given by the caller, one float per indicator."""
    if set(means) != set(INDICATORS):
        raise InvalidInputError(f"batch_means must have keys {INDICATORS}, got {sorted(means)}.",
                                "Pass the means of er, erv and era.")
    return {k: float(means[k]) for k in INDICATORS}


def _deviation(x: torch.Tensor, mu: float) -> torch.Tensor:
    """δ = clip((x − μ)/(|μ| + 1e-8), −5, 5): a relative deviation, NaN where x or μ is NaN."""
    return ((x - mu) / (abs(mu) + DEVIATION_EPS)).clamp(-DEVIATION_CLIP, DEVIATION_CLIP)


def _stats(step: int, active: bool, mu: dict[str, float], beta: torch.Tensor | None, eligible: torch.Tensor,
           bonus: torch.Tensor) -> dict[str, float]:
    """What a training step logs about the shaper: μ used, mean β, share of responses with a bonus, mean bonus."""
    mean_beta = float(beta[eligible].mean()) if beta is not None and bool(eligible.any()) else math.nan
    return {"step": float(step), "shaped": float(active), **{f"mu_{k}": v for k, v in mu.items()},
            "mean_beta": mean_beta, "bonus_fraction": float((bonus > 0).double().mean()),
            "mean_bonus": float(bonus.mean())}
