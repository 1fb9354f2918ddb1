"""Shaped GRPO training: TRL's GRPOTrainer, a shaper from `semspace.shaping`, one logged row per step."""

from semspace.train.config import TrainConfig, build_config, read_config_file
from semspace.train.run import run_training
from semspace.train.trainer import ShapedGRPOTrainer

__all__ = ["ShapedGRPOTrainer", "TrainConfig", "build_config", "read_config_file", "run_training"]
