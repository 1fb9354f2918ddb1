"""Trainer mode `semspace` built from verl's own generated config (Hydra, as `python -m verl.trainer.main_ppo` builds
it), its refusals, its workers, and its checkpoints through verl's real save and resume code."""

import shlex
from pathlib import Path

import pytest

verl = pytest.importorskip("verl", reason="verl 0.9 is not installed here; `make test-verl` runs this in .venv-verl")
pytestmark = pytest.mark.verl

from hydra import compose, initialize_config_module  # noqa: E402
from torchdata.stateful_dataloader import StatefulDataLoader  # noqa: E402
from transfer_queue import KVBatchMeta  # noqa: E402
from verl.trainer.ppo.utils import need_critic, need_reference_policy  # noqa: E402
from verl.trainer.ppo.v1 import get_trainer_cls  # noqa: E402
from verl.trainer.ppo.v1.replay_buffer import ReplayBuffer  # noqa: E402
from verl.trainer.ppo.v1.trainer_base import PPOTrainer  # noqa: E402
from verl.trainer.ppo.v1.trainer_sync import PPOTrainerSync  # noqa: E402
from verl.utils.config import validate_config  # noqa: E402
from verl.workers.engine_workers import TrainingWorker  # noqa: E402

from semspace.errors import InvalidInputError  # noqa: E402
from semspace.integrations.verl.checkpoint import SHAPER_STATE  # noqa: E402
from semspace.integrations.verl.engine import REQUEST  # noqa: E402
from semspace.integrations.verl.trainer import SemspacePPOTrainer  # noqa: E402
from semspace.integrations.verl.workers import SemspaceActorRolloutRefWorker, SemspaceTrainingWorker  # noqa: E402
from semspace.shaping import EntropyShaper, NoShaper, VerlShaper  # noqa: E402

# What every semspace launch sets (README): the trainer mode, GRPO, and the paper's response length.
LAUNCH = ["trainer.v1.trainer_mode=semspace", "algorithm.adv_estimator=grpo", "data.max_response_length=1536"]


def verl_config(*overrides: str, launch=LAUNCH):
    """verl's generated PPO config with the given command-line overrides."""
    with initialize_config_module(config_module="verl.trainer.config", version_base=None):
        return compose(config_name="ppo_trainer", overrides=[*launch, *overrides])


def readme_launch() -> list[str]:
    """The overrides of the README's `python -m verl.trainer.main_ppo` recipe."""
    readme = (Path(__file__).parents[3] / "README.md").read_text()
    start = readme.index("python -m verl.trainer.main_ppo")
    command = shlex.split(readme[start:readme.index("```", start)].replace("\\\n", " "))
    assert command[:3] == ["python", "-m", "verl.trainer.main_ppo"]
    return command[3:]


def test_the_readme_launch_recipe_is_a_valid_verl_config_for_this_trainer():
    config = verl_config(launch=readme_launch())
    validate_config(config=config, use_reference_policy=need_reference_policy(config), use_critic=need_critic(config))
    trainer = get_trainer_cls(config.trainer.v1.trainer_mode)(config)
    assert isinstance(trainer.shaper, VerlShaper) and config.actor_rollout_ref.model.path == "Qwen/Qwen2.5-7B"


def test_trainer_mode_builds_from_verls_generated_config():
    config = verl_config("+semspace.kappa=4.0", "+semspace.verl_mode=fixed", "+semspace.window=0")
    trainer = get_trainer_cls(config.trainer.v1.trainer_mode)(config)
    assert isinstance(trainer, SemspacePPOTrainer) and isinstance(trainer, PPOTrainerSync)
    assert trainer.trainer_mode == "sync" and type(trainer.replay_buffer) is ReplayBuffer, "verl's synchronous loop"
    assert isinstance(trainer.shaper, VerlShaper) and (trainer.shaper.kappa, trainer.shaper.mode) == (4.0, "fixed")
    assert trainer.settings.engine_request() == {"stride": 40, "window": None, "device": "auto"}


@pytest.mark.parametrize("block,shaper", [([], VerlShaper), (["+semspace.shape=entropy"], EntropyShaper),
                                          (["+semspace.shape=none"], NoShaper)])
def test_shape_defaults_to_verl_with_the_papers_settings(block, shaper):
    trainer = SemspacePPOTrainer(verl_config(*block))
    assert type(trainer.shaper) is shaper
    assert (trainer.settings.stride, trainer.settings.window, trainer.settings.global_stride) == (40, 512, 20)
    if shaper is VerlShaper:
        assert (trainer.shaper.ema_alpha, trainer.shaper.gain, trainer.shaper.kappa) == (0.3, 2.0, 2.0)


@pytest.mark.parametrize("overrides,message", [
    (["actor_rollout_ref.actor.strategy=megatron"], "strategy=fsdp2"),
    (["algorithm.adv_estimator=gae"], "algorithm.adv_estimator=grpo"),
    (["algorithm.rollout_correction.bypass_mode=true"], "bypass_mode"),
    (["data.max_response_length=100"], "Lower semspace.stride"),
    (["+semspace.verl_mode=sum", "+semspace.window=100", "+semspace.stride=50"], "for ERV"),
    (["+semspace.strid=20"], "Unknown setting"),
    (["+semspace.stride=0"], "semspace.stride must be"),
    (["+semspace.entropy_alpha=0.1"], "semspace.entropy_alpha do(es) nothing"),
    (["+semspace.shape=grpo"], "Unknown shaper"),
])
def test_configurations_that_cannot_shape_are_refused_in_one_line(overrides, message):
    with pytest.raises(InvalidInputError, match=message.replace("(", r"\(").replace(")", r"\)")) as refused:
        SemspacePPOTrainer(verl_config(*overrides))
    assert "\n" not in refused.value.one_line()


def test_the_actor_runs_in_semspace_worker_and_the_reference_in_verls():
    trainer = SemspacePPOTrainer(verl_config())
    trainer._init_resource_pool_mgr()
    actors = [handle.__ray_actor_class__ for handle in trainer.role_worker_mapping.values()]
    assert actors == [SemspaceActorRolloutRefWorker]
    assert SemspaceActorRolloutRefWorker.actor_worker_cls is SemspaceTrainingWorker
    assert SemspaceActorRolloutRefWorker.ref_worker_cls is TrainingWorker


class RecordingWorkerGroup:
    """Stands in for the Ray worker group only: records the actor checkpoint calls verl's trainer makes."""

    def __init__(self):
        self.calls = []

    def save_checkpoint(self, local_path, *args, **kwargs):
        self.calls.append(("save", local_path))

    def load_checkpoint(self, local_path, **kwargs):
        self.calls.append(("load", local_path))


def trainer_at(folder, *overrides):
    trainer = SemspacePPOTrainer(verl_config(f"trainer.default_local_dir={folder}", *overrides))
    trainer.actor_rollout_wg = RecordingWorkerGroup()
    trainer.train_dataloader = StatefulDataLoader(list(range(8)), batch_size=2)
    return trainer


def test_shaper_state_is_saved_and_resumed_with_verls_checkpoints(tmp_path):
    first = trainer_at(tmp_path)
    first.shaper.load_state_dict({"baseline": "ema", "step": 7, "mu": {"er": 30.0, "erv": 2.0, "era": -0.5},
                                  "pending": None})
    first.global_steps = 7
    first._save_checkpoint()
    assert (tmp_path / "global_step_7" / SHAPER_STATE).is_file()
    assert (tmp_path / "latest_checkpointed_iteration.txt").read_text() == "7"

    resumed = trainer_at(tmp_path)
    resumed._load_checkpoint()
    assert resumed.global_steps == 7 and resumed.actor_rollout_wg.calls == [("load", str(tmp_path / "global_step_7"
                                                                                          / "actor"))]
    assert resumed.shaper.state_dict() == first.shaper.state_dict()

    (tmp_path / "global_step_7" / SHAPER_STATE).unlink()
    with pytest.raises(InvalidInputError, match="trainer.resume_mode=disable"):
        trainer_at(tmp_path)._load_checkpoint()
    fresh = trainer_at(tmp_path, "trainer.resume_mode=disable")
    fresh._load_checkpoint()
    assert fresh.global_steps == 0 and fresh.shaper.mu["er"] is None


def test_only_the_old_log_prob_pass_asks_the_engine_for_indicators(monkeypatch):
    """verl's own pass is replaced by a recorder here: what is tested is what semspace hands it and takes back."""
    seen = []

    def old_log_prob(self, batch, metrics):
        seen.append(dict(batch.extra_info))
        return KVBatchMeta(keys=batch.keys, tags=batch.tags, extra_info=dict(batch.extra_info))

    monkeypatch.setattr(PPOTrainer, "_compute_old_log_prob", old_log_prob)
    trainer = SemspacePPOTrainer(verl_config("+semspace.stride=30", "+semspace.window=null"))
    batch = KVBatchMeta(keys=["a_0_0"], tags=[{}], extra_info={"temperature": 1.0})
    answered = trainer._compute_old_log_prob(batch, metrics={})
    assert seen == [{"temperature": 1.0, REQUEST: {"stride": 30, "window": None, "device": "auto"}}]
    assert REQUEST not in batch.extra_info and REQUEST not in answered.extra_info, "the reference pass must not ask"
