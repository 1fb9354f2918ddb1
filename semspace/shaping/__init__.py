"""Advantage shapers (SPEC §7): pure tensor functions with explicit state; `requires` names the inputs each reads."""

from semspace.shaping.entropy import EntropyShaper
from semspace.shaping.registry import SHAPERS, NoShaper, make_shaper
from semspace.shaping.verl import VerlShaper

__all__ = ["SHAPERS", "EntropyShaper", "NoShaper", "VerlShaper", "make_shaper"]
