"""CLI latency as ratios against the imports a command cannot avoid, timed as whole processes in one sitting.

1. `semspace --help` and `semspace <cmd> --help` against `python -c "import torch"` (target <= 0.5).
2. `semspace inspect` and `semspace correlate` of a small stored run (72 responses, as a 9-prompt x 8-sample
   collect leaves) against `python -c "import pandas, scipy.stats, pyarrow.parquet"` (target <= 2).
Each pair runs in turn (A B A B ...) after a warm-up; the ratio is the median of the pairs' ratios.
Usage: python benchmarks/bench_cli.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from semspace.store import RunWriter

PYTHON = sys.executable
SCRIPT = Path(PYTHON).with_name("semspace")  # the console script a user types
SEMSPACE = [str(SCRIPT)] if SCRIPT.exists() else [PYTHON, "-m", "semspace"]
IMPORT_TORCH = [PYTHON, "-c", "import torch"]
IMPORT_READERS = [PYTHON, "-c", "import pandas, scipy.stats, pyarrow.parquet"]
HELP_COMMANDS = ("collect", "correlate", "inspect", "train", "eval", "figures", "demo")


def small_run(out: Path, prompts: int = 9, samples: int = 8) -> Path:
    """A finished run of prompts x samples rows with the columns correlate and inspect read."""
    rng = np.random.default_rng(0)
    settings = {"model": {"id": "synthetic", "dtype": "float32", "hidden_size": 576},
                "dataset": {"source": "arithmetic", "sha256": "0" * 64, "prompts": prompts},
                "sampling": {"n": samples, "temperature": 1.0, "top_p": 1.0, "max_new_tokens": 128, "seed": 0},
                "metrics": {"stride": 40, "window": 512, "center": True, "spectrum": "sigma"}}
    writer = RunWriter(out, settings)
    for prompt in range(prompts):
        rows = []
        for sample in range(samples):
            length = int(rng.integers(40, 128))
            rows.append({"prompt_id": f"p{prompt}", "sample": sample, "problem": "2+2?", "prompt": "2+2?",
                         "response": "4", "answer": "4", "prediction": "4", "correct": bool(sample % 2),
                         "reward": float(sample % 2), "n_tokens": length, "finish_reason": "stop",
                         "token_logprob": -rng.random(length).astype(np.float32),
                         "token_entropy": rng.random(length).astype(np.float32),
                         "er": float(rng.random() * 30), "erv": float(rng.normal()), "era": float(rng.normal())})
        writer.write_shard(rows)
    writer.finish()
    return out


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {result.stderr.decode()[-500:]}")
    return time.perf_counter() - start


def paired(command: list[str], baseline: list[str], runs: int) -> tuple[float, float, float]:
    """Median seconds of each and the median of the pairwise ratios, after one warm-up of each."""
    wall(command), wall(baseline)
    pairs = [(wall(command), wall(baseline)) for _ in range(runs)]
    return (statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs),
            statistics.median(a / b for a, b in pairs))


def report(name: str, command: list[str], baseline: list[str], base_name: str, runs: int, target: float) -> None:
    seconds, base_seconds, ratio = paired(command, baseline, runs)
    print(f"{name:<32} {seconds:6.2f} s   {base_name:<22} {base_seconds:6.2f} s   ratio {ratio:5.2f} "
          f"(target <= {target})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed pairs per command (default 7)")
    runs = parser.parse_args().runs
    report("semspace --help", [*SEMSPACE, "--help"], IMPORT_TORCH, "import torch", runs, 0.5)
    for command in HELP_COMMANDS:
        report(f"semspace {command} --help", [*SEMSPACE, command, "--help"], IMPORT_TORCH, "import torch", runs, 0.5)
    with tempfile.TemporaryDirectory() as folder:
        run = str(small_run(Path(folder) / "run"))
        readers = "import pandas, scipy..."
        report("semspace inspect RUN", [*SEMSPACE, "inspect", run], IMPORT_READERS, readers, runs, 2.0)
        report("semspace correlate RUN", [*SEMSPACE, "correlate", run, "--metric", "er", "erv"], IMPORT_READERS,
               readers, runs, 2.0)


if __name__ == "__main__":
    main()
