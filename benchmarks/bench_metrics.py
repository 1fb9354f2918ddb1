"""Speed, accuracy and peak memory of rank_dynamics_batch against two baselines run in the same process.

(a) exact: a float64 `svdvals` of every centred prefix, one by one (also the accuracy oracle).
(b) reference: the paper code's default path as SPEC §3 describes it: an uncentred float32 Gram grown block by
    block, centred afterwards, one `eigvalsh` per prefix, a Python loop over responses (plus its float32
    `svdvals` for the whole-response ER).
Workload: 16 responses, T=512, d=576 (SmolLM2's hidden size), hidden-state-like data (low rank + noise around a
large common mean). (a) takes about 25 minutes on 16 responses at stride 1, so it runs on --oracle-responses of
them and its time is scaled linearly (the responses have one shape). Usage:
python benchmarks/bench_metrics.py [--responses 16] [--tokens 512] [--dim 576] [--oracle-responses 2]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import time

import numpy as np
import torch
from memory import peak_resident, resident_bytes

from semspace.metrics import rank_dynamics_batch


def hidden_like(seed: int, T: int, d: int) -> np.ndarray:
    """Low-rank signal + noise around a common mean 20x its spread, as last-layer states look."""
    rng = np.random.default_rng(seed)
    signal = rng.standard_normal((T, 32)) @ rng.standard_normal((32, d))
    states = signal + 0.3 * rng.standard_normal((T, d))
    return (states + 20 * states.std() * rng.standard_normal(d)).astype(np.float32)


def er_from_sigma(sigma: torch.Tensor) -> float:
    p = sigma / (sigma.sum() + 1e-8)
    return float(torch.exp(-(p * torch.log(p + 1e-8)).sum()))


def velocity_acceleration(series: list[float]) -> tuple[float, float]:
    v = [series[j] - np.mean(series[:j]) for j in range(1, len(series))]
    a = [v[j] - v[j - 1] for j in range(1, len(v))]
    return (float(np.mean(v)) if v else math.nan), (float(np.mean(a)) if a else math.nan)


def exact_svd_loop(batch: list[np.ndarray], stride: int, window: int) -> list[tuple]:
    """(a): float64 SVD of every centred prefix; the oracle."""
    out = []
    for H in batch:
        X = torch.from_numpy(H).double()
        Xw = X[-window:]
        series = []
        for t in range(stride, Xw.shape[0], stride):
            prefix = Xw[: t + 1]
            series.append(er_from_sigma(torch.linalg.svdvals(prefix - prefix.mean(0))))
        out.append((er_from_sigma(torch.linalg.svdvals(X - X.mean(0))), *velocity_acceleration(series), series))
    return out


def reference_gram_loop(batch: list[np.ndarray], stride: int, window: int) -> list[tuple]:
    """(b): the reference's incremental uncentred float32 Gram, centred afterwards, one eigvalsh per prefix."""
    out = []
    for H in batch:
        X = torch.from_numpy(H).float()
        whole = er_from_sigma(torch.linalg.svdvals(X - X.mean(0)))
        Xw = X[-window:]
        gram = torch.empty(0, 0)
        rows = Xw[:0]
        row_sum = torch.zeros(Xw.shape[1])
        series = []
        for t in range(stride, Xw.shape[0], stride):
            new = Xw[rows.shape[0]: t + 1]
            cross = rows @ new.T
            gram = torch.cat([torch.cat([gram, cross], 1), torch.cat([cross.T, new @ new.T], 1)], 0)
            rows = Xw[: t + 1]
            row_sum = row_sum + new.sum(0)
            k = rows.shape[0]
            mu = row_sum / k
            hs = rows @ mu
            centred = gram - hs[:, None] - hs[None, :] + mu @ mu
            eigenvalues = torch.linalg.eigvalsh(centred)
            series.append(er_from_sigma(torch.sqrt(torch.relu(eigenvalues))))
        out.append((whole, *velocity_acceleration(series), series))
    return out


def semspace_batch(batch: list[np.ndarray], stride: int, window: int) -> list[tuple]:
    return [(r.er, r.erv, r.era, list(r.prefix_er)) for r in rank_dynamics_batch(batch, stride=stride, window=window)]


ORACLE = "(a) exact SVD loop"
METHODS = {ORACLE: exact_svd_loop, "(b) reference fp32 Gram": reference_gram_loop,
           "semspace rank_dynamics_batch": semspace_batch}


def max_relative_error(results: list[tuple], oracle: list[tuple]) -> float:
    worst = 0.0
    for got, want in zip(results, oracle):
        pairs = [(got[0], want[0]), (got[1], want[1]), (got[2], want[2])] + list(zip(got[3], want[3]))
        for g, w in pairs:
            if not (math.isnan(g) and math.isnan(w)):
                worst = max(worst, abs(g - w) / max(abs(w), 1e-12))
    return worst


def peak_memory_child(name: str, args, responses: int, queue) -> None:
    """Run one method and report how far it raised the process's resident memory."""
    batch = [hidden_like(i, args.tokens, args.dim) for i in range(responses)]
    METHODS[name](batch[:1], args.stride, args.window)  # warm up lazily-allocated library state
    before = resident_bytes()
    with peak_resident() as peak:
        METHODS[name](batch, args.stride, args.window)
    queue.put(max(peak["bytes"] - before, 0) / 2**20)


def peak_memory_mib(name: str, args, responses: int) -> float:
    """Extra peak RSS of one method, measured in a fresh child so methods don't hide each other's peaks."""
    context = mp.get_context("spawn")  # fork after torch starts its thread pool can deadlock
    queue = context.Queue()
    child = context.Process(target=peak_memory_child, args=(name, args, responses, queue))
    child.start()
    child.join()
    return queue.get()


def run(args) -> None:
    """Time every method on the batch; (a) runs on the first --oracle-responses only and is scaled up."""
    batch = [hidden_like(i, args.tokens, args.dim) for i in range(args.responses)]
    checked = min(args.oracle_responses, args.responses)
    oracle_start = time.perf_counter()
    oracle = exact_svd_loop(batch[:checked], args.stride, args.window)
    timings = {ORACLE: (time.perf_counter() - oracle_start) * args.responses / checked}
    results = {ORACLE: oracle}
    for name, method in METHODS.items():
        if name != ORACLE:
            start = time.perf_counter()
            results[name] = method(batch, args.stride, args.window)[:checked]
            timings[name] = time.perf_counter() - start
    ours = timings["semspace rank_dynamics_batch"]
    print(f"\nstride {args.stride}, window {args.window}: {args.responses} responses x T={args.tokens}, d={args.dim},"
          f" torch threads {torch.get_num_threads()}; (a) timed on {checked} responses and scaled to "
          f"{args.responses}; errors over those {checked}; peak memory of the whole batch (of {checked} for (a))")
    print(f"{'method':32} {'seconds':>9} {'x semspace':>11} {'max rel err':>12} {'peak MiB':>9}")
    for name in METHODS:
        responses = checked if name == ORACLE else args.responses
        print(f"{name:32} {timings[name]:9.2f} {timings[name] / ours:11.2f} "
              f"{max_relative_error(results[name], oracle):12.2e} {peak_memory_mib(name, args, responses):9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=16)
    parser.add_argument("--tokens", type=int, default=512)
    parser.add_argument("--dim", type=int, default=576)
    parser.add_argument("--window", type=int, default=512)
    parser.add_argument("--strides", type=int, nargs="+", default=[40, 1])
    parser.add_argument("--oracle-responses", type=int, default=2,
                        help="responses the exact SVD loop (a) runs on; its time is scaled to the batch")
    args = parser.parse_args()
    for stride in args.strides:
        args.stride = stride
        run(args)


if __name__ == "__main__":
    main()
