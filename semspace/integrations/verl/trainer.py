"""Trainer mode `semspace` (`trainer.v1.trainer_mode=semspace`): verl's synchronous PPO trainer, whose actor measures
ER/ERV/ERA in its old-log-prob pass and whose GRPO advantages then pass through a `semspace.shaping` shaper.

It overrides as little as it can, each hook contract-tested in tests/integrations/verl: the actor worker class,
the old-log-prob step (to ask the engine for the indicators), the advantage step (to shape after verl's GRPO),
and checkpoint save/load (to carry the shaper's state).
"""

from __future__ import annotations

import os

import ray
import torch
import transfer_queue as tq
from tensordict import TensorDict
from verl import DataProto
from verl.trainer.ppo.utils import Role
from verl.trainer.ppo.v1.trainer_base import register_trainer
from verl.trainer.ppo.v1.trainer_sync import PPOTrainerSync
from verl.utils.checkpoint.checkpoint_manager import find_latest_ckpt_path
from verl.workers.utils.padding import response_to_nested

from semspace.errors import InvalidInputError
from semspace.integrations.verl.checkpoint import load_shaper_state, save_shaper_state
from semspace.integrations.verl.engine import REQUEST
from semspace.integrations.verl.settings import read_settings, refuse_unshapeable
from semspace.integrations.verl.step import FIELDS, shape_step
from semspace.integrations.verl.workers import SemspaceActorRolloutRefWorker

TRAINER_MODE = "semspace"
ACTOR_ROLES = (Role.ActorRollout, Role.ActorRolloutRef)  # the sync loop colocates actor and rollout


@register_trainer(TRAINER_MODE)
class SemspacePPOTrainer(PPOTrainerSync):
    """verl's sync trainer + VERL (or entropy) advantage shaping; settings in the config's `semspace:` block."""

    def __init__(self, config):
        self.settings = read_settings(config)
        refuse_unshapeable(config, self.settings)
        self.shaper = self.settings.build_shaper()
        super().__init__(config)

    @property
    def trainer_mode(self) -> str:
        """verl branches on "sync" in several places (replay buffer, checkpoints): this mode runs that loop."""
        return "sync"

    @trainer_mode.setter
    def trainer_mode(self, configured: str) -> None:
        """verl stores `trainer.v1.trainer_mode` here, which selects this class only when it is TRAINER_MODE."""
        if configured != TRAINER_MODE:
            raise InvalidInputError(f"SemspacePPOTrainer runs as trainer.v1.trainer_mode={TRAINER_MODE}, not "
                                    f"{configured}.", f"Set trainer.v1.trainer_mode={TRAINER_MODE}.")

    def _init_resource_pool_mgr(self):
        """verl's worker layout, with semspace's actor worker in place of verl's."""
        super()._init_resource_pool_mgr()
        for role in ACTOR_ROLES:
            if role in self.role_worker_mapping:
                self.role_worker_mapping[role] = ray.remote(SemspaceActorRolloutRefWorker)

    def _compute_old_log_prob(self, batch, metrics):
        """verl's old-log-prob pass, asking the actor's engine for ER/ERV/ERA (and only this pass)."""
        batch.extra_info[REQUEST] = self.settings.engine_request()
        try:
            answered = super()._compute_old_log_prob(batch, metrics)
        finally:
            batch.extra_info.pop(REQUEST)
        (answered.extra_info or {}).pop(REQUEST, None)  # no copy of the request may reach the reference pass
        return answered

    def _compute_advantage(self, batch, metrics):
        """verl's GRPO advantages, then the shaper over the whole batch; the step's metrics go to verl's tracker."""
        real = torch.tensor([not tag.get("is_padding", False) for tag in batch.tags])  # verl's padding samples
        batch = super()._compute_advantage(batch, metrics)
        data = tq.kv_batch_get(keys=batch.keys, partition_id=batch.partition_id, select_fields=list(FIELDS))
        response_mask = data["response_mask"]
        shaped, numbers = shape_step(self.shaper, DataProto(batch=data.to_padded_tensor()), real,
                                     global_stride=self.settings.global_stride,
                                     correct_above=self.settings.correct_above)
        metrics.update(numbers)
        fields = TensorDict({"advantages": response_to_nested(shaped, response_mask)}, batch_size=len(batch))
        return tq.kv_batch_put(keys=batch.keys, partition_id=batch.partition_id, fields=fields)

    def _save_checkpoint(self):
        """The shaper's state first, then verl's checkpoint, whose latest_checkpointed_iteration.txt (written last)
        marks the whole folder complete."""
        save_shaper_state(step_folder(self.config.trainer.default_local_dir, self.global_steps), self.shaper)
        super()._save_checkpoint()

    def _load_checkpoint(self):
        """verl's resume, then the shaper's state from the same checkpoint."""
        super()._load_checkpoint()
        folder = resumed_folder(self.config)
        if folder is not None:
            load_shaper_state(folder, self.shaper)


def step_folder(checkpoint_dir: str, global_steps: int) -> str:
    """The folder verl writes a step's checkpoint to."""
    return os.path.join(checkpoint_dir, f"global_step_{global_steps}")


def resumed_folder(config) -> str | None:
    """The checkpoint folder verl's `_load_checkpoint` resumes from, by the same rules; None when it starts anew."""
    mode = config.trainer.resume_mode
    if mode == "auto":
        return find_latest_ckpt_path(os.path.abspath(config.trainer.default_local_dir))
    if mode == "resume_path":
        return os.path.abspath(config.trainer.resume_from_path)
    return None
