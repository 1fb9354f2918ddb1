"""Shaped GRPO training: TRL's GRPOTrainer, a shaper from `semspace.shaping`, one logged row per step."""

from semspace._lazy import lazy_exports

_EXPORTS = {
    "build_config": "semspace.train.config",
    "read_config_file": "semspace.train.config",
    "run_training": "semspace.train.run",
    "ShapedGRPOTrainer": "semspace.train.trainer",
    "TrainConfig": "semspace.train.config",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
