"""Names on disk that several stages read: an eval folder's results file and a training run's checkpoints.

(A run folder's own files, manifest.json and shards/, belong to `semspace.store`.)
"""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = "results.json"  # the scores of an eval folder, beside its per-benchmark runs
CHECKPOINTS = "checkpoints"  # a training run's checkpoint folders live in <run>/checkpoints/
CHECKPOINT_NAME = re.compile(r"checkpoint-(\d+)")  # each named checkpoint-<step>, as transformers names them


def checkpoint_step(folder) -> int | None:
    """The step N of a folder named checkpoint-N, else None."""
    match = CHECKPOINT_NAME.fullmatch(Path(folder).name)
    return int(match.group(1)) if match else None
