"""The private verl hooks semspace overrides or relies on. A verl release that changes one fails here, with the fix:
pin verl to the tested range (the `verl` extra in pyproject.toml) or port semspace/integrations/verl."""

import inspect

import pytest

verl = pytest.importorskip("verl", reason="verl 0.9 is not installed here; `make test-verl` runs this in .venv-verl")
pytestmark = pytest.mark.verl

from verl.trainer.ppo.v1.trainer_base import PPOTrainer  # noqa: E402
from verl.workers.engine.fsdp.transformer_impl import FSDPEngine, FSDPEngineWithLMHead  # noqa: E402
from verl.workers.engine_workers import ActorRolloutRefWorker, TrainingWorker  # noqa: E402

FIX = "Pin verl to the `verl` extra's range in pyproject.toml, or port semspace/integrations/verl to this release."
HOOKS = {
    (PPOTrainer, "_init_resource_pool_mgr"): ["self"],
    (PPOTrainer, "_compute_old_log_prob"): ["self", "batch", "metrics"],
    (PPOTrainer, "_compute_advantage"): ["self", "batch", "metrics"],
    (PPOTrainer, "_save_checkpoint"): ["self"],
    (PPOTrainer, "_load_checkpoint"): ["self"],
    (FSDPEngineWithLMHead, "forward_step"): ["self", "micro_batch", "loss_function", "forward_only"],
    (FSDPEngine, "_gather_and_unpad_packed"): ["self", "tensor", "pad_size"],
}
# Lines of verl's own code the overrides build on.
SOURCES = {
    (PPOTrainer, "__init__"): ["self.trainer_mode = self.config.trainer.v1.trainer_mode"],
    (PPOTrainer, "_init_resource_pool_mgr"): ["self.role_worker_mapping[role] = ray.remote(ActorRolloutRefWorker)"],
    (PPOTrainer, "_compute_old_log_prob"): ["batch.extra_info.update(", "self.actor_rollout_wg.compute_log_prob(batch)",
                                            "bypass_mode"],
    (PPOTrainer, "_compute_advantage"): ['"advantages"', "response_to_nested(", "tq.kv_batch_put("],
    (PPOTrainer, "_save_checkpoint"): ['f"global_step_{self.global_steps}"', "latest_checkpointed_iteration.txt"],
    (FSDPEngine, "_init_device_mesh"): ["self.use_ulysses_sp", "self.ulysses_sequence_parallel_size"],
    (FSDPEngineWithLMHead, "forward_step"): ['"model_output": detach_tree(model_output)'],
}


@pytest.mark.parametrize("owner,name", sorted(HOOKS, key=str), ids=lambda hook: getattr(hook, "__name__", hook))
def test_hooks_semspace_overrides_keep_their_signatures(owner, name):
    hook = getattr(owner, name, None)
    assert hook is not None, f"verl's {owner.__name__}.{name} is gone. {FIX}"
    assert list(inspect.signature(hook).parameters) == HOOKS[owner, name], f"{owner.__name__}.{name} changed. {FIX}"


@pytest.mark.parametrize("owner,name", sorted(SOURCES, key=str), ids=lambda hook: getattr(hook, "__name__", hook))
def test_verl_code_the_overrides_build_on_is_unchanged(owner, name):
    source = inspect.getsource(getattr(owner, name))
    for line in SOURCES[owner, name]:
        assert line in source, f"verl's {owner.__name__}.{name} no longer has `{line}`. {FIX}"


def test_the_hybrid_worker_builds_its_actor_from_a_class_attribute():
    assert ActorRolloutRefWorker.actor_worker_cls is TrainingWorker, FIX
    assert "self.actor = self.actor_worker_cls(config=actor_training_config)" in inspect.getsource(
        ActorRolloutRefWorker.init_model), FIX
