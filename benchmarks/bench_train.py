"""GRPO step time with --shape verl as a ratio against --shape none on the same config (target <= 1.10), and
against TRL's plain GRPOTrainer (no capture pass, no metrics, no step rows), the cost of measuring at all.

All runs use the embedded model, the same prompts, seeds and settings, in this one process; the first step of
each (warm-up) is left out. Usage: python benchmarks/bench_train.py [--steps 5] [--max-completion-length 64]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from datasets import Dataset
from transformers import TrainerCallback
from trl import GRPOTrainer

from semspace.data import build_prompt, load_problems
from semspace.models import load_model
from semspace.train.config import TrainConfig
from semspace.train.run import build_trainer, correctness_reward, grpo_config


class StepTimer(TrainerCallback):
    """Wall time of every optimisation step, generation and shaping included."""

    def __init__(self):
        self.durations: list[float] = []

    def on_step_begin(self, args, state, control, **kwargs):
        self.started = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        self.durations.append(time.perf_counter() - self.started)


def bench_config(shape: str, args, folder: Path) -> TrainConfig:
    return TrainConfig(out=folder / shape, shape=shape, dataset="arithmetic:16", max_steps=args.steps,
                       max_completion_length=args.max_completion_length, save_steps=10_000, learning_rate=1e-5)


def plain_trl_trainer(config: TrainConfig) -> GRPOTrainer:
    """TRL's own GRPOTrainer on the same model, prompts, reward and settings."""
    loaded = load_model(config.model, dtype=config.dtype)
    records = [{"prompt": build_prompt(loaded.tokenizer, p.problem), "answer": p.answer}
               for p in load_problems(config.dataset, seed=config.seed).problems]
    return GRPOTrainer(model=loaded.model, reward_funcs=[correctness_reward], args=grpo_config(config),
                       train_dataset=Dataset.from_list(records), processing_class=loaded.tokenizer)


def mean_step_seconds(shape: str, args, folder: Path) -> float:
    config = bench_config(shape, args, folder)
    trainer = plain_trl_trainer(config) if shape == "trl" else build_trainer(config)[0]
    timer = StepTimer()
    trainer.add_callback(timer)
    trainer.train()
    steady = timer.durations[1:]
    return sum(steady) / len(steady)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--max-completion-length", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        seconds = {shape: mean_step_seconds(shape, args, Path(folder)) for shape in ("trl", "none", "verl")}
    print(f"\nsmollm2-135m, 2 prompts x 4 generations, max {args.max_completion_length} tokens, "
          f"mean of steps 2..{args.steps}")
    print(f"plain TRL GRPOTrainer {seconds['trl']:7.2f} s/step")
    print(f"--shape none          {seconds['none']:7.2f} s/step   x TRL {seconds['none'] / seconds['trl']:.3f}")
    print(f"--shape verl          {seconds['verl']:7.2f} s/step   x none {seconds['verl'] / seconds['none']:.3f}"
          f"   x TRL {seconds['verl'] / seconds['trl']:.3f}")


if __name__ == "__main__":
    main()
