"""Shapers by name (`none`, `entropy`, `verl`), as the trainer and the CLI choose them."""

from __future__ import annotations

import inspect

import torch

from semspace.errors import InvalidInputError
from semspace.shaping.entropy import EntropyShaper
from semspace.shaping.placement import response_advantages
from semspace.shaping.stateless import StatelessShaper
from semspace.shaping.verl import VerlShaper


class NoShaper(StatelessShaper):
    """A' = A0: plain GRPO, the control arm."""

    requires: tuple[str, ...] = ()

    @property
    def last_stats(self) -> dict[str, float]:
        """Nothing to report: plain GRPO gives no bonus."""
        return {}

    def __call__(self, advantages: torch.Tensor) -> torch.Tensor:
        """The advantages unchanged."""
        return response_advantages(advantages)


SHAPERS = {"none": NoShaper, "entropy": EntropyShaper, "verl": VerlShaper}


def make_shaper(name: str, **options):
    """Build the shaper called `name` with its options; an option it does not take is an error."""
    if name not in SHAPERS:
        raise InvalidInputError(f"Unknown shaper {name!r}.", f"Use one of: {', '.join(SHAPERS)}.")
    cls = SHAPERS[name]
    accepted = set(inspect.signature(cls.__init__).parameters) - {"self"}
    unknown = sorted(set(options) - accepted)
    if unknown:
        raise InvalidInputError(f"Shaper {name!r} takes no option(s) {', '.join(unknown)}.",
                                f"Its options are: {', '.join(sorted(accepted)) or 'none'}.")
    return cls(**options)
