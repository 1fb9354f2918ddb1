"""Metrics at the paper's scale, and where a collect run's time goes, as ratios measured in this one run.

1. Per response at T in {1536, 4096}, d = 3584 (a 7B model's hidden size), and 2048 x 1024, window 512, strides
   1, 20, 40, on hidden-state-like bf16 data: every metric collect stores (response_metrics_batch) against
   ER/ERV/ERA alone (rank_dynamics_batch; target <= 1.15x) and against the paper code's algorithm
   (bench_metrics' (b): uncentred float32 Gram grown block by block, one eigvalsh per prefix, float32 svdvals for
   the whole response), with the peak extra resident memory of every metric.
2. Peak extra memory of a batch of 4 and of 16 responses (T=1536, stride 40): flat, since float64 copies are made
   a few responses at a time (semspace.metrics.dynamics.GROUP_BYTES).
3. A collect run of the embedded model: time in sampling, capture, metrics and writing, and how long the sampler
   waited for the background stage. Sampling and metrics share this machine's cores, so both slow each other here;
   the sampler's wait is what shows whether metrics kept up.
Usage: python benchmarks/bench_scale.py [--shapes 1536x3584 4096x3584 2048x1024] [--strides 1 20 40] [--repeats 3]
       [--metrics-device cpu] [--collect-prompts 8] [--skip-collect]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from bench_metrics import hidden_like, reference_gram_loop
from memory import peak_resident, resident_bytes

from semspace.collect import CollectConfig, CollectEvents, SamplingSettings, run_collect
from semspace.metrics import MetricSettings, rank_dynamics_batch, response_metrics_batch
from semspace.models import load_model

DIM, WINDOW = 3584, 512


def timed(call, *args, **kwargs) -> tuple[float, float]:
    """(seconds, peak extra MiB over the resident size before the call) of call(*args, **kwargs)."""
    gc.collect()
    before = resident_bytes()
    with peak_resident(0.005) as peak:
        start = time.perf_counter()
        call(*args, **kwargs)
        seconds = time.perf_counter() - start
    return seconds, max(peak["bytes"] - before, 0) / 2**20


def per_response(args) -> None:
    print(f"\n1. per response, window {WINDOW}, metrics device {args.metrics_device}, torch threads "
          f"{torch.get_num_threads()} ({args.responses} response(s) a call, seconds per response, median of "
          f"{args.repeats} rounds run alone/every/every/alone/...)")
    print(f"{'T x d':>11} {'stride':>6} {'ER/ERV/ERA':>11} {'every metric':>13} {'ratio':>6} {'reference':>10} "
          f"{'x every':>8} {'peak MiB':>9}")
    for T, d in args.shapes:
        arrays = [hidden_like(i, T, d) for i in range(args.responses)]
        states = [torch.from_numpy(a).to(torch.bfloat16) for a in arrays]
        for stride in args.strides:
            options = dict(stride=stride, window=WINDOW, device=args.metrics_device)
            alone, every, peaks = [], [], []
            for round_ in range(args.repeats):  # alternate the order so a drift favours neither
                first, second = (alone, every) if round_ % 2 == 0 else (every, alone)
                for times in (first, second):
                    call = rank_dynamics_batch if times is alone else response_metrics_batch
                    seconds, peak = timed(call, states, **options)
                    times.append(seconds)
                    if times is every:
                        peaks.append(peak)
            reference, _ = timed(reference_gram_loop, [s.float().numpy() for s in states], stride, WINDOW)
            n, alone_s, every_s = args.responses, statistics.median(alone), statistics.median(every)
            print(f"{f'{T} x {d}':>11} {stride:>6} {alone_s / n:>11.2f} {every_s / n:>13.2f} "
                  f"{every_s / alone_s:>6.2f} {reference / n:>10.2f} {reference / every_s:>8.2f} {max(peaks):>9.0f}")


def shape(text: str) -> tuple[int, int]:
    """'1536x3584' -> (1536, 3584)."""
    tokens, width = text.lower().split("x")
    return int(tokens), int(width)


def batch_memory(args) -> None:
    print("\n2. peak extra memory of a batch, T=1536, stride 40 (input states bf16, allocated before)")
    for size in (4, 16):
        states = [torch.from_numpy(hidden_like(i, 1536, DIM)).to(torch.bfloat16) for i in range(size)]
        seconds, peak = timed(response_metrics_batch, states, stride=40, window=WINDOW, device=args.metrics_device)
        print(f"{size} responses: {peak:7.0f} MiB extra, {seconds / size:.2f} s per response")


class Final(CollectEvents):
    def finished(self, progress) -> None:
        self.progress = progress


def collect_split(args) -> None:
    load_model("smollm2-135m")  # convert the embedded model once, outside the timing
    events = Final()
    with tempfile.TemporaryDirectory() as folder:
        config = CollectConfig(out=Path(folder) / "run", dataset=f"arithmetic:{args.collect_prompts}",
                               sampling=SamplingSettings(n=8, max_new_tokens=args.collect_tokens),
                               metrics=MetricSettings(stride=1, device=args.metrics_device))
        start = time.perf_counter()
        run_collect(config, events)
        wall = time.perf_counter() - start
    t = events.progress.timings
    print(f"\n3. collect: smollm2-135m, {args.collect_prompts} prompts x 8, max {args.collect_tokens} tokens, "
          f"stride 1, batches of 4 prompts; {events.progress.tokens} tokens")
    print(f"wall {wall:.1f} s = sampler thread: sampling {t.sampling:.1f} s + capture {t.capture:.1f} s + waiting "
          f"{t.waiting:.1f} s (+ loading and the last batch's metrics); beside it: metrics {t.metrics:.1f} s, "
          f"writing {t.writing:.1f} s. In series the same work would take "
          f"{t.sampling + t.capture + t.metrics + t.writing:.1f} s.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", type=shape, nargs="+", default=[(1536, DIM), (4096, DIM), (2048, 1024)],
                        help="responses' T x d (default 1536x3584 4096x3584 2048x1024)")
    parser.add_argument("--strides", type=int, nargs="+", default=[1, 20, 40])
    parser.add_argument("--responses", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--metrics-device", default="cpu")
    parser.add_argument("--collect-prompts", type=int, default=8)
    parser.add_argument("--collect-tokens", type=int, default=256)
    parser.add_argument("--skip-collect", action="store_true")
    args = parser.parse_args()
    np.seterr(all="ignore")
    per_response(args)
    batch_memory(args)
    if not args.skip_collect:
        collect_split(args)


if __name__ == "__main__":
    main()
