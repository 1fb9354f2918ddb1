"""Collect overhead and memory on the embedded model, as ratios against baselines measured in the same run.

1. Wall time of a whole collect (sample, teacher-forced pass, metrics, grading, shards) against sampling alone
   with the same prompts, batches, seeds and settings (target <= 1.15).
2. Peak resident memory of a collect over 512 prompts against one over 64 (target: flat, <= 1.1x), each in a
   fresh process.
Usage: python benchmarks/bench_collect.py [--prompts 16] [--n 8] [--max-new-tokens 128] [--memory-tokens 24]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

from memory import peak_resident

from semspace.collect import CollectConfig, HFSampler, SamplingSettings, run_collect
from semspace.data import build_prompt, load_problems
from semspace.models import load_model

MODEL = "smollm2-135m"


def sampling_alone(config: CollectConfig) -> float:
    """Time the sampler by itself over exactly the batches and seeds collect uses."""
    loaded = load_model(config.model)
    problems = load_problems(config.dataset).problems
    sampler = HFSampler(loaded.model, loaded.tokenizer)
    start = time.perf_counter()
    for first in range(0, len(problems), config.batch_size):
        batch = problems[first:first + config.batch_size]
        ids = [loaded.tokenizer(build_prompt(loaded.tokenizer, p.problem), add_special_tokens=False)["input_ids"]
               for p in batch]
        sampler.sample(ids, config.sampling, run_seed=config.seed,
                       prompt_indices=list(range(first, first + len(batch))))
    return time.perf_counter() - start


def whole_collect(config: CollectConfig) -> float:
    start = time.perf_counter()
    run_collect(config)
    return time.perf_counter() - start


def peak_memory_child(prompts: int, max_new_tokens: int, n: int, queue) -> None:
    """Collect `prompts` prompts and report the peak resident memory of the process."""
    with peak_resident(0.005) as peak, tempfile.TemporaryDirectory() as folder:
        run_collect(CollectConfig(out=Path(folder) / "run", model=MODEL, dataset=f"arithmetic:{prompts}",
                                  sampling=SamplingSettings(n=n, max_new_tokens=max_new_tokens)))
    queue.put(peak["bytes"] / 2**20)


def peak_memory_mib(prompts: int, max_new_tokens: int, n: int) -> float:
    context = mp.get_context("spawn")  # fork after torch starts its thread pool can deadlock
    queue = context.Queue()
    child = context.Process(target=peak_memory_child, args=(prompts, max_new_tokens, n, queue))
    child.start()
    child.join()
    return queue.get()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=16)
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--memory-tokens", type=int, default=24, help="max new tokens in the memory runs")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config = CollectConfig(out=Path(folder) / "run", model=MODEL, dataset=f"arithmetic:{args.prompts}",
                               sampling=SamplingSettings(n=args.n, max_new_tokens=args.max_new_tokens))
        load_model(MODEL)  # convert the GGUF once, outside the timings
        alone = sampling_alone(config)
        collected = whole_collect(config)
    print(f"\n{MODEL}, {args.prompts} prompts x n={args.n}, max {args.max_new_tokens} new tokens, stride 1, window 512")
    print(f"sampling alone {alone:8.1f} s\ncollect        {collected:8.1f} s   ratio {collected / alone:.3f}")
    if not args.skip_memory:
        small = peak_memory_mib(64, args.memory_tokens, args.n)
        large = peak_memory_mib(512, args.memory_tokens, args.n)
        print(f"\npeak RSS, max {args.memory_tokens} new tokens: 64 prompts {small:.0f} MiB, "
              f"512 prompts {large:.0f} MiB, ratio {large / small:.3f}")


if __name__ == "__main__":
    main()
