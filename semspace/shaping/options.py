"""A shaper's settings as a trainer's config names them, and the check that VERL can shape at all: shared by every
trainer semspace plugs into (TRL's `semspace train`, verl's trainer mode `semspace`), so both take the same options
with the same defaults and refuse the same settings. `flag` turns a setting's name into how the user wrote it
(`--kappa` on the command line, `semspace.kappa` in verl's config)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from semspace.errors import InvalidInputError

# Config names of shaper options -> the shaper's own argument names. None in a config means "the shaper's default".
SHAPER_OPTIONS = {"verl_mode": "mode", "verl_scope": "scope", "verl_baseline": "baseline", "ema_alpha": "ema_alpha",
                  "gain": "gain", "kappa": "kappa", "aux_weight": "weight", "entropy_alpha": "alpha"}
# The config options each shape reads; setting another shape's option is an error, not silently ignored.
SHAPE_OPTIONS = {"none": (), "entropy": ("entropy_alpha", "kappa"),
                 "verl": ("verl_mode", "verl_scope", "verl_baseline", "ema_alpha", "gain", "kappa", "aux_weight")}

Flag = Callable[[str], str]


@dataclass(kw_only=True)
class ShaperOptions:
    """The shaper options a trainer's config holds, under the names users write them (SHAPER_OPTIONS maps them to
    the shaper's own); None means the shaper's default (SPEC §7)."""

    verl_mode: str | None = None
    verl_scope: str | None = None
    verl_baseline: str | None = None
    ema_alpha: float | None = None
    gain: float | None = None
    kappa: float | None = None
    aux_weight: float | None = None
    entropy_alpha: float | None = None


def shaper_options(shape: str, settings: Mapping[str, object], *, flag: Flag) -> dict:
    """The shaper arguments `settings` sets (not None), under the shaper's own names; another shape's option is an
    error."""
    given = [key for key in SHAPER_OPTIONS if settings.get(key) is not None]
    foreign = [key for key in given if key not in SHAPE_OPTIONS.get(shape, ())]
    if foreign:
        names = ", ".join(flag(key) for key in foreign)
        raise InvalidInputError(f"{names} do(es) nothing with {flag('shape')} {shape}.",
                                f"Drop it, or choose the {flag('shape')} it belongs to.")
    return {SHAPER_OPTIONS[key]: settings[key] for key in given}


def check_verl_can_fire(*, shape: str, mode: str | None, stride: int, window: int | None, max_length: int,
                        flag: Flag, length_option: str) -> None:
    """Refuse a VERL run whose completions are too short for ERV (2 prefixes) or, adaptive, ERA (3): its
    indicators would all be NaN and it would silently train as plain GRPO."""
    if shape != "verl":
        return
    prefixes = 2 if mode in ("fixed", "sum") else 3
    shortest = prefixes * stride + 1
    longest = min(max_length, window or max_length)
    if longest < shortest:
        raise InvalidInputError(
            f"With {flag('stride')} {stride}, VERL needs completions of at least {shortest} tokens for "
            f"{'ERA' if prefixes == 3 else 'ERV'}, but at most {longest} fit ({length_option}/{flag('window')}).",
            f"Lower {flag('stride')} (e.g. {max(1, (longest - 1) // prefixes // 2)}) or raise {length_option}.")
