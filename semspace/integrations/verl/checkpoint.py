"""The shaper's state (its baselines μ, SPEC §7) beside verl's checkpoint of a step, so a resumed run shapes on."""

from __future__ import annotations

import json
from pathlib import Path

from semspace.errors import InvalidInputError
from semspace.store.manifest import write_json_atomic

SHAPER_STATE = "semspace_shaper.json"


def save_shaper_state(folder: str, shaper) -> None:
    """Write the shaper's state into a step's checkpoint folder, atomically."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    write_json_atomic(Path(folder) / SHAPER_STATE, shaper.state_dict())


def load_shaper_state(folder: str, shaper) -> None:
    """Restore the shaper's state from a step's checkpoint folder; one that semspace did not write is refused."""
    path = Path(folder) / SHAPER_STATE
    if not path.is_file():
        raise InvalidInputError(f"{folder} holds no {SHAPER_STATE}: it was not saved by trainer mode semspace.",
                                "Resume from a checkpoint of a semspace run, or set trainer.resume_mode=disable.")
    shaper.load_state_dict(json.loads(path.read_text()))
