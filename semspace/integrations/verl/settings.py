"""The `semspace:` block of a verl config (`+semspace.shape=verl +semspace.stride=40 ...`) and the checks that refuse,
before any worker starts, a verl configuration under which shaping could not happen."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from omegaconf import DictConfig, OmegaConf

from semspace.errors import InvalidInputError
from semspace.shaping import make_shaper
from semspace.shaping.options import ShaperOptions, check_verl_can_fire, shaper_options

STRATEGIES = ("fsdp", "fsdp2")  # verl's FSDP engine computes the indicators (engine.py); others cannot
ESTIMATOR = "grpo"  # one outcome advantage per response, as SPEC §7 shapes
DEVICE = re.compile(r"auto|cpu|cuda(:\d+)?")  # checked against the worker's hardware there, not on the driver


@dataclass
class SemspaceSettings(ShaperOptions):
    """What the trainer mode shapes and logs; defaults are the paper's (SPEC §3 and §7), options left None take the
    shaper's own defaults (those of `semspace train`)."""

    shape: str = "verl"
    stride: int = 40
    window: int | None = 512
    global_stride: int = 20
    correct_above: float = 0.0
    metrics_device: str = "auto"

    def build_shaper(self):
        """The shaper this block asks for, with its options."""
        options = shaper_options(self.shape, dataclasses.asdict(self), flag=config_flag)
        return make_shaper(self.shape, **options)

    def engine_request(self) -> dict:
        """What the actor's engine needs to compute ER/ERV/ERA (sent with the old-log-prob batch)."""
        return {"stride": self.stride, "window": self.window, "device": self.metrics_device}


def config_flag(setting: str) -> str:
    """How a verl config names a setting of this block."""
    return f"semspace.{setting}"


def read_settings(config: DictConfig) -> SemspaceSettings:
    """The `semspace:` block of a verl config (absent: every default), refused if it names an unknown setting or
    a count is not a whole number of at least 1; window 0 or null means the whole response."""
    block = config.get("semspace", None)
    given = OmegaConf.to_container(block, resolve=True) if block is not None else {}
    if not isinstance(given, dict):
        raise InvalidInputError("semspace must be a block of settings.", "Write e.g. +semspace.shape=verl.")
    known = {field.name for field in dataclasses.fields(SemspaceSettings)}
    unknown = sorted(set(given) - known)
    if unknown:
        raise InvalidInputError(f"Unknown setting(s) {', '.join(map(config_flag, unknown))}.",
                                f"Use {', '.join(map(config_flag, sorted(known)))}.")
    if given.get("window") == 0:
        given["window"] = None
    settings = SemspaceSettings(**given)
    counts = {"stride": settings.stride, "global_stride": settings.global_stride, "window": settings.window or 1}
    bad = [name for name, value in counts.items() if isinstance(value, bool) or not isinstance(value, int) or value < 1]
    if bad:
        raise InvalidInputError(f"{', '.join(map(config_flag, bad))} must be a whole number of at least 1.",
                                "Pass a positive count (semspace.window=null means the whole response).")
    if not DEVICE.fullmatch(settings.metrics_device):
        raise InvalidInputError(f"{config_flag('metrics_device')}={settings.metrics_device} is not a device.",
                                "Use auto (the worker's GPU when it solves faster), cuda, cuda:N or cpu.")
    return settings


def refuse_unshapeable(config: DictConfig, settings: SemspaceSettings) -> None:
    """Refuse verl settings under which the trainer mode could not shape: another engine, no old-log-prob pass,
    advantages that are not one per response, or responses too short for the indicators."""
    strategy = config.actor_rollout_ref.actor.strategy
    if strategy not in STRATEGIES:
        raise InvalidInputError(f"semspace computes ER/ERV/ERA in verl's FSDP engine, not with "
                                f"actor_rollout_ref.actor.strategy={strategy}.",
                                "Set actor_rollout_ref.actor.strategy=fsdp2 (or fsdp).")
    if OmegaConf.select(config, "algorithm.rollout_correction.bypass_mode", default=False):
        raise InvalidInputError("algorithm.rollout_correction.bypass_mode=true skips the old-log-prob pass in which "
                                "semspace measures the hidden states.", "Set it to false (decoupled mode).")
    if config.algorithm.adv_estimator != ESTIMATOR:
        raise InvalidInputError(f"semspace shapes GRPO's one advantage per response, not "
                                f"algorithm.adv_estimator={config.algorithm.adv_estimator}.",
                                f"Set algorithm.adv_estimator={ESTIMATOR}.")
    check_verl_can_fire(shape=settings.shape, mode=settings.verl_mode, stride=settings.stride, window=settings.window,
                        max_length=config.data.max_response_length, flag=config_flag,
                        length_option="data.max_response_length")
