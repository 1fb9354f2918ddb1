"""summarize_run: what a run holds at a glance — its settings, accuracy and each metric's distribution."""

from __future__ import annotations

import numpy as np
import pandas as pd

from semspace.store.manifest import BOOKKEEPING, read_manifest
from semspace.store.reader import read_run, run_columns
from semspace.store.schema import SCALAR_METRICS

SUMMARY_COLUMNS = (*SCALAR_METRICS, "reward", "n_tokens")


def summarize_run(run, *, check_hashes: bool = False) -> dict:
    """Counts, settings, accuracy and per-metric count / NaN / mean / std (ddof=1) / min / max of a run."""
    manifest = read_manifest(run)
    errors = ["metric_error"] if "metric_error" in run_columns(run, manifest) else []
    frame = read_run(run, columns=["correct", *SUMMARY_COLUMNS, *errors], check_hashes=check_hashes)
    return {
        "run": str(run),
        "status": manifest["status"],
        "semspace_version": manifest["semspace_version"],
        "schema_version": manifest["schema_version"],
        "created": manifest.get("created"),
        "updated": manifest.get("updated"),
        "shards": len(manifest["shards"]),
        "rows": sum(entry["rows"] for entry in manifest["shards"]),
        "prompts": sum(entry["prompts"] for entry in manifest["shards"]),
        "metric_errors": int(frame["metric_error"].notna().sum()) if errors else 0,
        "settings": {key: value for key, value in manifest.items() if key not in BOOKKEEPING},
        "accuracy": accuracy(frame["correct"]),
        "metrics": {name: describe(frame[name]) for name in SUMMARY_COLUMNS},
    }


def accuracy(correct: pd.Series) -> dict:
    """Share correct among gradable responses; those whose gold answer did not parse are counted apart."""
    graded = correct.dropna().astype(bool)
    return {
        "accuracy": float(graded.mean()) if len(graded) else None,
        "correct": int(graded.sum()),
        "graded": len(graded),
        "ungradable": int(correct.isna().sum()),
    }


def describe(values: pd.Series) -> dict:
    """count (non-NaN), nan, mean, std (ddof=1), min, max of one numeric column; None where undefined."""
    numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
    present = numbers[~np.isnan(numbers)]
    count = len(present)
    return {
        "count": count,
        "nan": len(numbers) - count,
        "mean": float(present.mean()) if count else None,
        "std": float(present.std(ddof=1)) if count > 1 else None,
        "min": float(present.min()) if count else None,
        "max": float(present.max()) if count else None,
    }

