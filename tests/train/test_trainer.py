"""Real GRPO steps on tiny-random (CPU): every shape trains and logs, shaping reaches the loss, resume restores."""

import json
import shutil

import pytest
import torch

from semspace.metrics.training import GLOBAL_COLUMNS, INDICATORS
from semspace.shaping import EntropyShaper
from semspace.store import read_run
from semspace.train import TrainConfig, run_training
from semspace.train.run import build_trainer

TINY = dict(model="tiny-random", dataset="arithmetic:4", max_steps=2, max_completion_length=10, num_generations=2,
            batch_size=2, stride=2, window=None, global_stride=1)
STEP_FIELDS = ["step", "responses", "reward_mean", "accuracy", "length_mean", "token_entropy_mean",
               *GLOBAL_COLUMNS] + [f"{k}_mean{part}" for k in INDICATORS for part in ("", "_correct", "_incorrect")]
SHAPER_FIELDS = {"none": [], "entropy": ["bonus_fraction", "mean_bonus"],
                 "verl": ["step", "shaped", "mu_er", "mu_erv", "mu_era", "mean_beta", "bonus_fraction",
                          "mean_bonus"]}


@pytest.mark.parametrize("shape", ["none", "entropy", "verl"])
def test_two_steps_train_and_log_every_field(tmp_path, shape):
    out = run_training(TrainConfig(out=tmp_path / "run", shape=shape, save_steps=2, **TINY))
    rows = read_run(out).sort_values("step")
    assert rows["step"].tolist() == [1, 2]
    for field in STEP_FIELDS + [f"shaper_{f}" for f in SHAPER_FIELDS[shape]]:
        assert field in rows.columns, field
    assert (rows["responses"] == 4).all() and (rows["length_mean"] > 0).all()
    assert rows[["er_mean", "erv_mean", "era_mean", "token_entropy_mean", *GLOBAL_COLUMNS]].notna().all().all()
    state = json.loads((out / "checkpoints" / "checkpoint-2" / "shaper_state.json").read_text())
    assert (state["baseline"], state["step"]) == ("ema", 2) if shape == "verl" else state == {}


class Recording:
    """Wraps a shaper and keeps what it was given and what it returned."""

    def __init__(self, inner):
        self.inner, self.requires, self.calls, self.states = inner, inner.requires, [], []

    def __call__(self, advantages, **signals):
        self.states.append(self.inner.state_dict())
        shaped = self.inner(advantages, **signals)
        self.calls.append((advantages.clone(), shaped.clone()))
        return shaped

    def __getattr__(self, name):
        return getattr(self.inner, name)


def lengthy_reward(completions, **_):
    """A reward that differs within groups, so advantages are not all zero."""
    return [float(len(text) % 3) for text in completions]


def tiny_trainer(tmp_path, **overrides):
    trainer, _ = build_trainer(TrainConfig(out=tmp_path / "run", shape="entropy", **{**TINY, **overrides}))
    trainer.reward_funcs, trainer.reward_func_names = [lengthy_reward], ["lengthy_reward"]
    return trainer


def test_shaped_advantages_are_what_the_loss_gets(tmp_path):
    trainer = tiny_trainer(tmp_path, max_steps=1)
    trainer.shaper = Recording(EntropyShaper())
    seen = []
    original = trainer._compute_loss
    trainer._compute_loss = lambda model, inputs: seen.append(inputs["advantages"].clone()) or original(model, inputs)
    trainer.train()
    (a0, shaped), = trainer.shaper.calls
    assert shaped.shape == (4, trainer.last_signals.token_entropy.shape[1]) and bool((a0 != 0).any())
    bonus = shaped - a0[:, None]
    assert bool((bonus >= 0).all()) and bool((bonus <= a0.abs()[:, None] / 2 + 1e-6).all())
    assert bool((bonus[a0 != 0].sum(1) > 0).all()), "every token with entropy gets a bonus where A0 ≠ 0"
    assert torch.equal(torch.cat(seen).sort(0).values, shaped.sort(0).values), "TRL's loss sees the shaped advantages"


def recorded_batches(trainer) -> list[dict]:
    """The batches TRL's generation gives the shaping step, kept as they are."""
    batches, shape = [], trainer._shape
    trainer._shape = lambda output, signals: batches.append(output) or shape(output, signals)
    return batches


def assert_states_of_an_independent_forward(trainer, output, atol=1e-5):
    """Each completion's H equals the predictive rows of a plain forward of the policy over its own ids."""
    policy = trainer.model.eval()
    pairs = zip(output["prompt_ids"], output["prompt_mask"], output["completion_ids"], output["completion_mask"])
    for hidden, (prompt, prompt_mask, completion, mask) in zip(trainer.last_signals.hidden, pairs):
        prompt, completion = prompt[prompt_mask.bool()].tolist(), completion[mask.bool()].tolist()
        with torch.no_grad():
            out = policy(input_ids=torch.tensor([prompt + completion]), output_hidden_states=True)
        rows = out.hidden_states[-1][0, len(prompt) - 1: len(prompt) + len(completion) - 1]
        torch.testing.assert_close(hidden.float(), rows, atol=atol, rtol=atol)


@pytest.mark.parametrize("iterations", [1, 2], ids=["own-pass", "trl-old-logp-pass"])
def test_hidden_states_are_those_of_an_independent_forward_of_the_policy(tmp_path, iterations):
    trainer = tiny_trainer(tmp_path, max_steps=1, learning_rate=0.0)
    trainer.num_iterations = trainer.args.num_iterations = iterations
    own_passes = []
    own = trainer._own_policy_pass
    trainer._own_policy_pass = lambda output: own_passes.append(1) or own(output)
    batches = recorded_batches(trainer)
    trainer.train()
    assert len(own_passes) == (1 if iterations == 1 else 0), "TRL's old log-prob pass is reused when it makes one"
    assert_states_of_an_independent_forward(trainer, batches[0])


def test_a_resumed_run_restores_the_shaper_state(tmp_path):
    config = TrainConfig(out=tmp_path / "run", shape="verl", verl_baseline="reference", save_steps=1, **TINY)
    run_training(config)
    checkpoints = config.out / "checkpoints"
    saved = json.loads((checkpoints / "checkpoint-1" / "shaper_state.json").read_text())
    assert saved["step"] == 1 and saved["pending"] is not None
    shutil.rmtree(checkpoints / "checkpoint-2")  # as if the run had died after its first checkpoint
    config.resume = True
    trainer, writer = build_trainer(config)
    trainer.shaper = Recording(trainer.shaper)
    trainer.train(resume_from_checkpoint=True)
    assert trainer.shaper.states == [saved], "the shaper continued from exactly the saved state"
    final = json.loads((checkpoints / "checkpoint-2" / "shaper_state.json").read_text())
    assert final["step"] == 2 and final["mu"] != {"er": 0.0, "erv": 0.0, "era": 0.0}, "μ took step 1's means"
    assert sorted(read_run(config.out)["step"]) == [1, 2], "each step logged once"
