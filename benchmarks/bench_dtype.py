"""Sampling and capture throughput of the embedded model in --dtype auto, bfloat16 and float32, as ratios in one run.

CPUs without native bf16 arithmetic emulate it; `auto` then runs the bf16 checkpoint in float32 (semspace.models.
dtypes). Each dtype samples the same prompts with the same seeds (tokens/s of generate) and captures the same fixed
prompt + response ids (tokens/s of the teacher-forced pass with token statistics). The dtypes run in the order
A B C C B A and each one's two rounds are pooled, so drift of the machine does not favour one.
To see an AVX2-only CPU on an AVX-512 one: ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 python benchmarks/...
Usage: python benchmarks/bench_dtype.py [--prompts 8] [--n 4] [--max-new-tokens 48]
"""

from __future__ import annotations

import argparse
import time

import torch

from semspace.collect import HFSampler, SamplingSettings, capture
from semspace.data import build_prompt, load_problems
from semspace.models import load_model

MODEL = "smollm2-135m"
DTYPES = ("auto", "bfloat16", "float32")


def prompt_ids(tokenizer, prompts: int) -> list[list[int]]:
    """Chat-formatted ids of the first built-in arithmetic problems."""
    problems = load_problems(f"arithmetic:{prompts}").problems
    return [tokenizer(build_prompt(tokenizer, p.problem), add_special_tokens=False)["input_ids"] for p in problems]


def sample_rate(loaded, ids: list[list[int]], settings: SamplingSettings, batch: int) -> tuple[float, float]:
    """(tokens sampled, seconds) over the prompts in batches, seeded as collect seeds them."""
    sampler = HFSampler(loaded.model, loaded.tokenizer)
    tokens, start = 0, time.perf_counter()
    for first in range(0, len(ids), batch):
        chunk = ids[first:first + batch]
        groups = sampler.sample(chunk, settings, run_seed=0, prompt_indices=list(range(first, first + len(chunk))))
        tokens += sum(len(c.token_ids) for group in groups for c in group)
    return tokens, time.perf_counter() - start


def capture_rate(loaded, prompts: list[list[int]], responses: list[list[int]]) -> tuple[float, float]:
    """(response tokens captured, seconds) of the teacher-forced pass over fixed ids."""
    start = time.perf_counter()
    capture(loaded.model, prompts, responses)
    return sum(map(len, responses)), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=8)
    parser.add_argument("--n", type=int, default=4)
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--batch-size", type=int, default=4)
    args = parser.parse_args()
    settings = SamplingSettings(n=args.n, max_new_tokens=args.max_new_tokens)
    models = {dtype: load_model(MODEL, dtype=dtype) for dtype in DTYPES}
    print(f"torch {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}; "
          f"auto -> {models['auto'].describe()}")
    ids = prompt_ids(models["float32"].tokenizer, args.prompts)
    fixed = HFSampler(models["float32"].model, models["float32"].tokenizer).sample(
        ids, settings, run_seed=0, prompt_indices=list(range(len(ids))))
    pairs = [(ids[b], c.token_ids) for b, group in enumerate(fixed) for c in group]
    totals = {dtype: [0.0, 0.0, 0.0, 0.0] for dtype in DTYPES}
    sample_rate(models["float32"], ids[:args.batch_size], settings, args.batch_size)  # warm up the caches
    for dtype in (*DTYPES, *reversed(DTYPES)):
        sampled, sampling_seconds = sample_rate(models[dtype], ids, settings, args.batch_size)
        captured, capture_seconds = capture_rate(models[dtype], [p for p, _ in pairs], [r for _, r in pairs])
        for i, value in enumerate((sampled, sampling_seconds, captured, capture_seconds)):
            totals[dtype][i] += value
    print(f"\n{MODEL}, {args.prompts} prompts x n={args.n}, max {args.max_new_tokens} new tokens, batches of "
          f"{args.batch_size}; two rounds per dtype")
    rates = {dtype: (t[0] / t[1], t[2] / t[3]) for dtype, t in totals.items()}
    print(f"{'dtype':<10}{'sample tok/s':>14}{'vs bf16':>9}{'capture tok/s':>15}{'vs bf16':>9}")
    for dtype, (sampling, capturing) in rates.items():
        print(f"{dtype:<10}{sampling:>14.1f}{sampling / rates['bfloat16'][0]:>8.2f}x"
              f"{capturing:>15.1f}{capturing / rates['bfloat16'][1]:>8.2f}x")


if __name__ == "__main__":
    main()
