"""The state interface shared by shapers that carry nothing from step to step."""

from __future__ import annotations

from semspace.errors import InvalidInputError


class StatelessShaper:
    """state_dict/load_state_dict for shapers without state, so a trainer saves every shaper alike."""

    def state_dict(self) -> dict:
        """Nothing to carry across steps."""
        return {}

    def load_state_dict(self, state: dict) -> None:
        """Accept only an empty state: anything else was written by another shaper."""
        if state:
            raise InvalidInputError(f"{type(self).__name__} has no state, got keys {sorted(state)}.",
                                    "Resume with the --shape the run was started with.")
