"""pass@k of a collect run: one (n, c) per problem from its rows, averaged over problems, overall and by level."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from semspace.errors import InvalidInputError
from semspace.evaluate.passk import pass_at_k_array
from semspace.store import read_manifest, read_run
from semspace.store.manifest import SHARDS


def problem_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per prompt_id: samples `n`, correct samples `c`, and `level` when the rows carry one.

    An ungradable response (correct is null: the gold answer does not parse) counts as not correct, as its reward.
    """
    grouped = rows.assign(correct=rows["correct"].eq(True)).groupby("prompt_id", sort=False)
    counts = pd.DataFrame({"n": grouped.size(), "c": grouped["correct"].sum().astype("int64")})
    if "level" in rows:
        counts["level"] = grouped["level"].first()
    return counts


def mean_pass_at_k(counts: pd.DataFrame, ks: list[int], where: str) -> dict[str, float]:
    """Mean pass@k over problems, in percent, keyed by str(k); every problem needs at least max(ks) samples."""
    fewest = counts["n"].min()
    if fewest < max(ks):
        problem = counts.index[counts["n"].argmin()]
        raise InvalidInputError(f"{where}: problem {problem} has {fewest} samples, too few for pass@{max(ks)}.",
                                f"Lower --k to at most {fewest}, or rerun with --n at least {max(ks)}.")
    return {str(k): 100.0 * float(pass_at_k_array(counts["n"], counts["c"], k).mean()) for k in ks}


def by_level(counts: pd.DataFrame, ks: list[int], where: str) -> dict[str, dict]:
    """Problems and pass@k per difficulty level, levels in numeric order when they are numbers; {} without levels."""
    if "level" not in counts:
        return {}
    levelled = counts.dropna(subset=["level"])
    return {str(level): {"problems": len(group), "pass_at_k": mean_pass_at_k(group, ks, where)}
            for level, group in sorted(levelled.groupby("level"), key=lambda item: _level_key(item[0]))}


def score_run(run, ks: list[int]) -> dict:
    """Problems, samples per problem, pass@k and pass@k by level of one collect run."""
    counts = problem_counts(read_run(run, columns=_score_columns(Path(run))))
    if counts.empty:
        raise InvalidInputError(f"The run in {run} holds no responses.", "Rerun the eval with --resume.")
    return {"problems": len(counts), "samples_per_problem": int(counts["n"].min()),
            "pass_at_k": mean_pass_at_k(counts, ks, str(run)), "by_level": by_level(counts, ks, str(run))}


def _score_columns(run: Path) -> list[str]:
    """prompt_id and correct, plus level where the run's shards have it (files with difficulty levels)."""
    shards = read_manifest(run)["shards"]
    has_level = bool(shards) and "level" in pq.read_schema(run / SHARDS / shards[0]["file"]).names
    return ["prompt_id", "correct", "level"] if has_level else ["prompt_id", "correct"]


def _level_key(level) -> tuple:
    """Sort numbers by value before other labels, which sort as text."""
    try:
        return (0, float(level), "")
    except ValueError:
        return (1, 0.0, str(level))
