"""Small synthetic inputs of every kind figures read: collect runs, training runs with checkpoints, eval folders."""

import json
import math
from pathlib import Path

import numpy as np

from semspace.store import RunWriter

STEP_COLUMNS = ("er", "erv", "era")


def write_collect_run(out: Path, *, prompts: int = 12, samples: int = 4, seed: int = 0, model: str = "toy",
                      kind: str | None = None, columns=("er", "erv", "response_entropy", "mean_logprob")) -> Path:
    """Per-response rows like collect's, with a negative entropy/log-prob coupling and ER independent of ERV."""
    rng = np.random.default_rng(seed)
    manifest = {"model": {"name": model, "source": model}, "dataset": {"source": "synthetic", "prompts": prompts},
                "sampling": {"n": samples, "temperature": 1.0}}
    if kind is not None:
        manifest["kind"] = kind
    writer = RunWriter(out, manifest)
    rows = []
    for p in range(prompts):
        for sample in range(samples):
            entropy = float(rng.uniform(3.5, 5.3))
            values = {"er": float(rng.uniform(100, 1400)), "erv": float(rng.uniform(20, 85)),
                      "era": float(rng.normal()), "response_entropy": entropy,
                      "mean_logprob": float(-0.5 * (entropy - 3.5) + rng.normal(scale=0.25))}
            rows.append({"prompt_id": f"p{p}", "sample": sample, "correct": bool(rng.random() < 0.5),
                         "n_tokens": int(rng.integers(5, 400)), **{name: values[name] for name in columns}})
    writer.write_shard(rows)
    writer.finish()
    return out


def step_row(step: int, rng, *, cumulative: bool = True, tiny_batch: bool = False) -> dict:
    """One training step's row, as semspace.train.steplog writes it (plus the cumulative global columns)."""
    row = {"prompt_id": f"step-{step:06d}", "sample": 0, "step": step, "responses": 8,
           "reward_mean": float(rng.random()), "accuracy": float(rng.random()),
           "length_mean": float(rng.uniform(50, 200)), "token_entropy_mean": float(rng.random())}
    for name in STEP_COLUMNS:
        row[f"{name}_mean"] = float(rng.uniform(10, 20))
        row[f"{name}_mean_correct"] = float(rng.uniform(10, 20)) if step % 3 else math.nan
        row[f"{name}_mean_incorrect"] = float(rng.uniform(10, 20))
    row["global_er"] = math.nan if tiny_batch else float(rng.uniform(5, 7))
    row["global_trad_rank"] = math.nan if tiny_batch else 8.0
    if cumulative:
        for name in ("global_erv", "global_era", "global_trad_erv", "global_trad_era"):
            row[name] = float(rng.normal())
    row.update({"shaper_beta_mean": 0.5, "shaper_bonus_fraction": 0.25})
    return row


def write_train_run(out: Path, *, steps: int = 12, model: str = "toy-base", seed: int = 0, cumulative: bool = True,
                    tiny_batch: bool = False, checkpoints=(4, 8, 12)) -> Path:
    """A finished training run (one shard of step rows) with empty checkpoint folders."""
    rng = np.random.default_rng(seed)
    writer = RunWriter(out, {"kind": "train", "model": {"name": model, "source": f"/models/{model}"},
                             "training": {"shape": "verl"}})
    writer.write_shard([step_row(step, rng, cumulative=cumulative, tiny_batch=tiny_batch)
                        for step in range(1, steps + 1)])
    writer.finish()
    for step in checkpoints:
        (out / "checkpoints" / f"checkpoint-{step}").mkdir(parents=True)
    return out


def write_eval(out: Path, *, name: str = "toy-base", source: str = "/models/toy-base", step: int | None = None,
               benchmarks: dict | None = None, k=(1, 2, 4), dtype: str = "float32") -> Path:
    """An eval folder as semspace eval writes it: results.json and one response run per benchmark."""
    benchmarks = benchmarks or {"aime24": {1: 10.0, 2: 15.0, 4: 20.0}, "math500": {1: 40.0, 2: 50.0, 4: 60.0}}
    entries = {}
    for bench, values in benchmarks.items():
        write_collect_run(out / bench, prompts=3, samples=max(k), kind="eval", model=name)
        entries[bench] = {"run": bench, "source": f"{bench}.jsonl", "problems": 3, "samples_per_problem": max(k),
                          "pass_at_k": {str(key): value for key, value in values.items()},
                          "by_level": {"1": {"problems": 3, "pass_at_k": {"1": values.get(1)}}}}
    average = {str(key): float(np.mean([values[key] for values in benchmarks.values()])) for key in k
               if all(key in values for values in benchmarks.values())}
    results = {"semspace_version": "0.1.0", "kind": "eval", "model": {"name": name, "source": source, "dtype": dtype},
               "checkpoint_step": step,
               "sampling": {"n": max(k), "temperature": 0.6, "top_p": 0.95, "max_new_tokens": 1536, "seed": 0},
               "k": list(k), "unit": "percent", "benchmarks": entries,
               "average": {"pass_at_k": average, "benchmarks": list(benchmarks)}}
    (out / "results.json").write_text(json.dumps(results, indent=2))
    return out
