"""The private TRL hooks the trainer overrides: fail loudly, with the fix, when a TRL release removes them."""

import inspect

import pytest
from trl import GRPOTrainer

HOOKS = {"_generate_and_score_completions": ["self", "inputs"], "_save_checkpoint": ["self", "model", "trial"],
         "_load_optimizer_and_scheduler": ["self", "checkpoint"]}


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_grpo_trainer_still_has_the_hooks_semspace_overrides(name):
    hook = getattr(GRPOTrainer, name, None)
    assert hook is not None, (f"trl.GRPOTrainer.{name} is gone in this TRL release: semspace.train overrides it to "
                              "shape advantages and save the shaper state. Pin trl to the range in pyproject.toml "
                              "(extra `train`) or port ShapedGRPOTrainer to the new hook.")
    assert list(inspect.signature(hook).parameters) == HOOKS[name], f"GRPOTrainer.{name} changed its signature."


def test_generate_and_score_completions_still_returns_advantages():
    source = inspect.getsource(GRPOTrainer._generate_and_score_completions)
    for key in ('"advantages"', '"completion_mask"', '"prompt_mask"', '"completion_ids"', '"prompt_ids"'):
        assert key in source, f"GRPOTrainer._generate_and_score_completions no longer returns {key}."
