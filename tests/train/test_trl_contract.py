"""The private TRL hooks the trainer overrides or relies on: fail loudly, with the fix, when a TRL release changes
them."""

import inspect

import pytest
from trl import GRPOTrainer

HOOKS = {"_generate_and_score_completions": ["self", "inputs"], "_save_checkpoint": ["self", "model", "trial"],
         "_load_optimizer_and_scheduler": ["self", "checkpoint"],
         "_calculate_rewards": ["self", "inputs", "prompts", "completions", "completion_ids_list"],
         "log": ["self", "logs", "start_time"]}
FIX = ("Pin trl to the range in pyproject.toml (extra `train`) or port semspace.train.ShapedGRPOTrainer to the new "
       "TRL code.")


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_grpo_trainer_still_has_the_hooks_semspace_overrides(name):
    hook = getattr(GRPOTrainer, name, None)
    assert hook is not None, f"trl.GRPOTrainer.{name} is gone in this TRL release. {FIX}"
    assert list(inspect.signature(hook).parameters) == HOOKS[name], f"GRPOTrainer.{name} changed its signature."


def test_the_policy_forward_takes_these_arguments_in_this_order():
    parameters = list(inspect.signature(GRPOTrainer._get_per_token_logps_and_entropies).parameters)
    assert parameters[:7] == ["self", "model", "input_ids", "attention_mask", "logits_to_keep", "batch_size",
                              "compute_entropy"], FIX


def test_the_policy_forward_runs_the_fused_lm_head_whose_backbone_semspace_hooks():
    source = inspect.getsource(GRPOTrainer._get_per_token_logps_and_entropies)
    assert "fused_lm_head=True" in source and "outputs.entropy" in source, FIX


def test_old_log_probs_are_computed_under_the_condition_semspace_mirrors():
    source = inspect.getsource(GRPOTrainer._generate_and_score_completions)
    for needle in ("generate_every = self.args.steps_per_generation * self.num_iterations",
                   "self.args.gradient_accumulation_steps % generate_every != 0",
                   "self.use_vllm and self.vllm_importance_sampling_correction",
                   "old_per_token_logps, _, _ = self._get_per_token_logps_and_entropies(",
                   "rewards_per_func = self._calculate_rewards(", "self.reward_weights"):
        assert needle in source, f"GRPOTrainer._generate_and_score_completions no longer has `{needle}`. {FIX}"


def test_generate_and_score_completions_still_returns_what_the_shaping_step_reads():
    source = inspect.getsource(GRPOTrainer._generate_and_score_completions)
    for key in ('"advantages"', '"completion_mask"', '"prompt_mask"', '"completion_ids"', '"prompt_ids"'):
        assert key in source, f"GRPOTrainer._generate_and_score_completions no longer returns {key}. {FIX}"


def test_logged_metrics_are_read_from_the_per_mode_metrics_dict():
    assert "self._metrics[mode].items()" in inspect.getsource(GRPOTrainer.log), FIX
