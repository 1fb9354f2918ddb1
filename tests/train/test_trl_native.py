"""ShapedGRPOTrainer as a TRL user runs it: any reward functions, a dataset without answers, metrics in TRL's logs."""

import math

import pytest
import torch
from datasets import Dataset
from trl import GRPOConfig

from semspace.metrics.training import INDICATORS
from semspace.models import tiny_random
from semspace.shaping import VerlShaper
from semspace.train import ShapedGRPOTrainer


def parity_reward(completions, **_):
    """+1 for an even number of characters, -1 for an odd one: a reward with no gold answer behind it."""
    return [1.0 if len(text) % 2 == 0 else -1.0 for text in completions]


def half_reward(completions, **_):
    """0.5 for every completion: only a threshold below it makes them correct."""
    return [0.5 for _ in completions]


def trl_trainer(tmp_path, reward_funcs, *, steps=2, **options):
    loaded = tiny_random(seed=1)
    dataset = Dataset.from_dict({"prompt": [f"What is {a} + {a + 1}?" for a in range(8)]})
    args = GRPOConfig(output_dir=str(tmp_path / "out"), per_device_train_batch_size=4, num_generations=2,
                      max_completion_length=12, max_steps=steps, logging_steps=1, report_to="none",
                      learning_rate=1e-5, seed=3, bf16=False)
    return ShapedGRPOTrainer(model=loaded.model, processing_class=loaded.tokenizer, reward_funcs=reward_funcs,
                             train_dataset=dataset, args=args, shaper=VerlShaper(), stride=2, window=None,
                             global_stride=2, **options)


def recording_steps(trainer) -> list[dict]:
    """Per step: TRL's rewards and the completions' ER/ERV/ERA, as the shaping step saw them."""
    steps, shape = [], trainer._shape

    def record(output, signals):
        steps.append({"rewards": trainer._rewards.clone(), **{k: getattr(signals, k).clone() for k in INDICATORS}})
        return shape(output, signals)

    trainer._shape = record
    return steps


def finite_mean(values: torch.Tensor) -> float:
    finite = values[values.isfinite()]
    return float(finite.mean()) if finite.numel() else math.nan


def test_any_reward_and_no_answer_column_train_with_correctness_from_the_reward(tmp_path):
    trainer = trl_trainer(tmp_path, [parity_reward])
    steps = recording_steps(trainer)
    trainer.train()
    logged = [entry for entry in trainer.state.log_history if "semspace/accuracy" in entry]
    assert len(logged) == len(steps) == 2
    for entry, step in zip(logged, steps):
        correct = step["rewards"] > 0
        assert entry["semspace/accuracy"] == pytest.approx(float(correct.double().mean()))
        assert entry["semspace/reward_mean"] == pytest.approx(float(step["rewards"].mean()))
        assert entry["reward"] == pytest.approx(entry["semspace/reward_mean"], abs=1e-6), "TRL's own reward"
        for name in INDICATORS:
            for part, subset in (("", slice(None)), ("_correct", correct), ("_incorrect", ~correct)):
                expected = finite_mean(step[name][subset])
                key = f"semspace/{name}_mean{part}"
                if math.isnan(expected):
                    assert key not in entry, "an undefined mean is left out, not logged as NaN"
                else:
                    assert entry[key] == pytest.approx(expected), key


@pytest.mark.parametrize("threshold,accuracy", [(0.0, 1.0), (0.5, 0.0)])
def test_the_correctness_threshold_is_an_option(tmp_path, threshold, accuracy):
    trainer = trl_trainer(tmp_path, [half_reward], steps=1, correct_above=threshold)
    trainer.train()
    assert trainer.state.log_history[0]["semspace/accuracy"] == accuracy


def test_shaper_and_dataset_level_metrics_reach_the_log(tmp_path):
    trainer = trl_trainer(tmp_path, [parity_reward])
    trainer.train()
    first, second = [entry for entry in trainer.state.log_history if "semspace/accuracy" in entry]
    for key in ("semspace/global_er", "semspace/global_trad_rank", "semspace/shaper_bonus_fraction",
                "semspace/shaper_mean_bonus", "semspace/length_mean", "semspace/token_entropy_mean"):
        assert key in second, key
    for name in INDICATORS:  # the ema baseline used at step 2 is step 1's batch mean
        assert second[f"semspace/shaper_mu_{name}"] == pytest.approx(first[f"semspace/{name}_mean"])
    assert "semspace/shaper_mu_er" not in first, "no baseline yet at step 1"
