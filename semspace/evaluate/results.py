"""results.json of an eval (pass@k per benchmark and on average, in percent) and its tables."""

from __future__ import annotations

import pandas as pd

from semspace import __version__
from semspace.evaluate.benchmarks import Benchmark
from semspace.evaluate.config import EvalConfig
from semspace.layout import checkpoint_step


def build_results(config: EvalConfig, model: dict, benchmarks: list[Benchmark], scores: list[dict]) -> dict:
    """The results.json document: settings, pass@k (percent) per benchmark, and their plain mean."""
    ks = config.pass_ks()
    entries = {b.name: {"run": b.name, "source": b.given, **score} for b, score in zip(benchmarks, scores)}
    average = {str(k): sum(entry["pass_at_k"][str(k)] for entry in entries.values()) / len(entries) for k in ks}
    return {
        "semspace_version": __version__,
        "kind": "eval",
        "model": {"name": config.model, "source": model["source"], "dtype": model["dtype"]},
        "checkpoint_step": model_checkpoint_step(config.model, model["source"]),
        "sampling": {"n": config.n, "temperature": config.temperature, "top_p": config.top_p,
                     "max_new_tokens": config.max_new_tokens, "seed": config.seed},
        "k": ks,
        "unit": "percent",
        "benchmarks": entries,
        "average": {"pass_at_k": average, "benchmarks": list(entries)},
    }


def model_checkpoint_step(*paths: str) -> int | None:
    """The step of the first path that is a training checkpoint (the model as given, then as resolved)."""
    return next((step for step in map(checkpoint_step, paths) if step is not None), None)


def passk_table(results: dict) -> pd.DataFrame:
    """One row per benchmark and a last `average` row: problems, samples per problem, pass@k columns (percent)."""
    ks = [str(k) for k in results["k"]]
    rows = [{"benchmark": name, "problems": entry["problems"], "n": entry["samples_per_problem"],
             **{f"pass@{k}": entry["pass_at_k"][k] for k in ks}} for name, entry in results["benchmarks"].items()]
    average = results["average"]["pass_at_k"]
    rows.append({"benchmark": "average", "problems": None, "n": None, **{f"pass@{k}": average[k] for k in ks}})
    return pd.DataFrame(rows).astype({"problems": "Int64", "n": "Int64"})


def level_table(results: dict) -> pd.DataFrame:
    """One row per (benchmark, difficulty level) of the benchmarks that have levels: problems and pass@k."""
    ks = [str(k) for k in results["k"]]
    rows = [{"benchmark": name, "level": level, "problems": scores["problems"],
             **{f"pass@{k}": scores["pass_at_k"][k] for k in ks}}
            for name, entry in results["benchmarks"].items() for level, scores in entry["by_level"].items()]
    return pd.DataFrame(rows, columns=["benchmark", "level", "problems", *(f"pass@{k}" for k in ks)])
