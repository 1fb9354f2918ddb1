"""Advantage shapers (SPEC §7): pure tensor functions with explicit state; `requires` names the inputs each reads."""

from semspace._lazy import lazy_exports

_EXPORTS = {
    "EntropyShaper": "semspace.shaping.entropy",
    "make_shaper": "semspace.shaping.registry",
    "NoShaper": "semspace.shaping.registry",
    "SHAPERS": "semspace.shaping.registry",
    "VerlShaper": "semspace.shaping.verl",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
