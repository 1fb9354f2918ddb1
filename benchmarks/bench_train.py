"""GRPO step time with --shape verl as a ratio against --shape none on the same config (target <= 1.10), and
against TRL's plain GRPOTrainer (no metrics, no step rows), the cost of measuring at all, in two configurations:
  1 iteration per generation (TRL's default): TRL runs no no-grad pass of the policy, so semspace adds one;
  2 iterations per generation: TRL runs its old log-prob pass, and semspace takes the hidden states from it.

All runs use the embedded model, the same prompts, seeds and settings, in this one process; the first step of
each (warm-up) is left out. The runs go in the order trl, none, verl, verl, none, trl and each shape's steps
are pooled, so a drift over the process's life cancels (run once in the order trl, none, verl, each shape
came out about 10% slower than the one before). The stride is small enough for VERL's indicators to exist at
this length, so its bonus really changes the updates; as the runs may then sample different completions, the
time per completion token is printed beside the time per step.
Usage: python benchmarks/bench_train.py [--steps 5] [--max-completion-length 64] [--stride 8] [--configs 1,2]
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from datasets import Dataset
from transformers import TrainerCallback
from trl import GRPOTrainer

from semspace.data import build_prompt, load_problems
from semspace.models import load_model
from semspace.train.config import TrainConfig, build_config
from semspace.train.run import build_trainer, correctness_reward, grpo_config

ORDER = ("trl", "none", "verl", "verl", "none", "trl")


class StepTimer(TrainerCallback):
    """Wall time of every optimisation step, generation and shaping included."""

    def __init__(self):
        self.durations: list[float] = []

    def on_step_begin(self, args, state, control, **kwargs):
        self.started = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        self.durations.append(time.perf_counter() - self.started)


def bench_config(shape: str, iterations: int, args, folder: Path) -> TrainConfig:
    """build_config refuses a VERL config whose indicators could never exist (it would time plain GRPO)."""
    return build_config({}, dict(out=folder / shape, shape="none" if shape == "trl" else shape,
                                 dataset="arithmetic:16", max_steps=args.steps, stride=args.stride,
                                 max_completion_length=args.max_completion_length, save_steps=10_000,
                                 learning_rate=1e-5, num_iterations=iterations))


def plain_trl_trainer(config: TrainConfig) -> GRPOTrainer:
    """TRL's own GRPOTrainer on the same model, prompts, reward and settings."""
    loaded = load_model(config.model, dtype=config.dtype)
    records = [{"prompt": build_prompt(loaded.tokenizer, p.problem), "answer": p.answer}
               for p in load_problems(config.dataset, seed=config.seed).problems]
    return GRPOTrainer(model=loaded.model, reward_funcs=[correctness_reward], args=grpo_config(config),
                       train_dataset=Dataset.from_list(records), processing_class=loaded.tokenizer)


def step_seconds_and_tokens(shape: str, iterations: int, args, folder: Path) -> tuple[list[float], list[float]]:
    """Seconds and completion tokens of steps 2.. of one run (a step that reuses a generation counts its tokens)."""
    config = bench_config(shape, iterations, args, folder)
    trainer = plain_trl_trainer(config) if shape == "trl" else build_trainer(config)[0]
    timer = StepTimer()
    trainer.add_callback(timer)
    trainer.train()
    lengths = [entry["completions/mean_length"] for entry in trainer.state.log_history
               if "completions/mean_length" in entry]
    completions = config.batch_size * config.num_generations
    return timer.durations[1:], [length * completions for length in lengths[1:]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--max-completion-length", type=int, default=64)
    parser.add_argument("--stride", type=int, default=8, help="ERV/ERA stride (ERA needs 3 prefixes of it)")
    parser.add_argument("--configs", default="1,2", help="iterations per generation to measure, e.g. 1,2")
    args = parser.parse_args()
    for iterations in (int(value) for value in args.configs.split(",")):
        durations, tokens = defaultdict(list), defaultdict(list)
        with tempfile.TemporaryDirectory() as folder:
            for run, shape in enumerate(ORDER):
                seconds, counts = step_seconds_and_tokens(shape, iterations, args, Path(folder) / str(run))
                durations[shape] += seconds
                tokens[shape] += counts
                gc.collect()
        report(iterations, args, durations, tokens)


def report(iterations: int, args, durations: dict, tokens: dict) -> None:
    """Seconds per step and per completion token of each shape, and their ratios."""
    step = {shape: sum(durations[shape]) / len(durations[shape]) for shape in durations}
    token = {shape: sum(durations[shape]) / sum(tokens[shape]) for shape in durations}
    print(f"\nsmollm2-135m, 2 prompts x 4 generations, {iterations} iteration(s) per generation, max "
          f"{args.max_completion_length} tokens, stride {args.stride}, steps 2..{args.steps} of each run pooled")
    print(f"plain TRL GRPOTrainer {step['trl']:7.2f} s/step {1000 * token['trl']:7.1f} ms/token")
    for shape, against in (("none", ("trl",)), ("verl", ("none", "trl"))):
        ratios = "".join(f"   x {'TRL' if other == 'trl' else other} {step[shape] / step[other]:.3f} / "
                         f"{token[shape] / token[other]:.3f}" for other in against)
        print(f"--shape {shape:<13} {step[shape]:7.2f} s/step {1000 * token[shape]:7.1f} ms/token{ratios}")
    print("(ratios: per step / per completion token)")


if __name__ == "__main__":
    main()
