"""pass@1 and pass@k tables of eval folders, as results.json reports them (percent), and the paper's published
tables beside them where the benchmark names match."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from semspace.analyses import write_table
from semspace.figures.inputs import EvalInput
from semspace.figures.missing import FigureDataMissing
from semspace.figures.paper import DISPLAY, paper_benchmark, paper_pass_at_1, paper_pass_at_k

EVAL_FIX = "Pass eval folders (the --out of semspace eval, holding results.json)."
AVERAGE = "average"
MEAN = "mean of these"
# Percentages in Markdown: 35.94, 58.96, 6.7 (the paper's own precision); the CSV files keep every digit.
PERCENT_DIGITS = 4
_MATCH_FIX = "Name benchmarks as the paper does (aime24, amc23, math500, gaokao2024_I, ...) to compare."


def benchmarks_of(evals: Sequence[EvalInput]) -> list[str]:
    """Every benchmark of the evals, in first-seen order."""
    return list(dict.fromkeys(name for result in evals for name in result.benchmarks))


def pass_at_1_table(evals: Sequence[EvalInput]) -> pd.DataFrame:
    """One row per eval: pass@1 (%) per benchmark and results.json's average (empty where not evaluated)."""
    return pass_at_k_table(evals, ks=(1,)).drop(columns="k")


def pass_at_k_table(evals: Sequence[EvalInput], ks: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per eval and k (all k of the eval, or `ks`): pass@k (%) per benchmark and the average."""
    _require_evals(evals, "The pass@k tables")
    names = benchmarks_of(evals)
    rows = []
    for result in evals:
        for k in ks or sorted({k for bench in result.benchmarks.values() for k in bench.pass_at_k}):
            values = {name: _value(result.benchmarks[name].pass_at_k, k) if name in result.benchmarks else math.nan
                      for name in names}
            rows.append({"run": result.label, "k": k, **values, AVERAGE: _value(result.average, k)})
    return pd.DataFrame(rows, columns=["run", "k", *names, AVERAGE])


def _value(by_k: dict[int, float], k: int) -> float:
    """pass@k if reported, else NaN (an empty cell)."""
    return by_k.get(k, math.nan)


def _require_evals(evals: Sequence[EvalInput], what: str) -> None:
    """Refuse to build a table of nothing."""
    if not evals or not benchmarks_of(evals):
        raise FigureDataMissing("tables", f"{what} need eval folders with at least one benchmark.", EVAL_FIX)


def compare_pass_at_1(evals: Sequence[EvalInput]) -> pd.DataFrame:
    """Our pass@1 rows, then every published row, over the benchmarks both have (the paper's names), with the
    mean over those columns (not the paper's 15-benchmark Avg.)."""
    published = paper_pass_at_1().rename(columns={"pass1": "value"})
    matched = _matched(evals, "pass@1", published)
    headers = {key: DISPLAY[key] for key in matched}
    ours = [{"source": "ours", "row": result.label, "k": "1",
             **{headers[key]: _value(result.benchmarks[name].pass_at_k, 1) for key, name in
                _names_in(result, matched).items() if name}} for result in evals]
    return _with_mean(pd.DataFrame(ours + _paper_rows(published, headers, "1")), list(headers.values()))


def compare_pass_at_k(evals: Sequence[EvalInput]) -> pd.DataFrame:
    """Our pass@k at each eval's largest k, then every published row at the paper's k (named in the column
    header), over the benchmarks both have."""
    published = paper_pass_at_k().rename(columns={"passk": "value"})
    matched = _matched(evals, "pass@k", published)
    paper_k = dict(zip(published["benchmark"], published["k"]))
    headers = {key: f"{DISPLAY[key]} (paper: pass@{paper_k[key]})" for key in matched}
    ours = []
    for result in evals:
        largest = {key: (name, max(result.benchmarks[name].pass_at_k))
                   for key, name in _names_in(result, matched).items() if name and result.benchmarks[name].pass_at_k}
        ours.append({"source": "ours", "row": result.label,
                     "k": "/".join(str(k) for k in sorted({k for _, k in largest.values()})),
                     **{headers[key]: result.benchmarks[name].pass_at_k[k] for key, (name, k) in largest.items()}})
    return _with_mean(pd.DataFrame(ours + _paper_rows(published, headers, "as headed")), list(headers.values()))


def _paper_rows(published: pd.DataFrame, headers: dict[str, str], k: str) -> list[dict]:
    """The published rows (model and method) over the matched benchmarks, under our column headers."""
    rows = published.assign(row=published["model"] + " " + published["method"])
    wide = rows.pivot_table(index="row", columns="benchmark", values="value", sort=False)
    return [{"source": "paper", "row": row, "k": k, **{header: wide.loc[row, key] for key, header in headers.items()}}
            for row in wide.index]


def _matched(evals: Sequence[EvalInput], what: str, published: pd.DataFrame) -> list[str]:
    """The paper's keys of the evals' benchmarks that its table has, in its column order; refused when none."""
    _require_evals(evals, f"The paper {what} comparison")
    ours = {paper_benchmark(name) for name in benchmarks_of(evals)}
    theirs = list(dict.fromkeys(published["benchmark"]))
    matched = [key for key in theirs if key in ours]
    if not matched:
        raise FigureDataMissing(f"paper {what}", f"No benchmark of the evals ({', '.join(benchmarks_of(evals))}) "
                                                 f"is in the paper's {what} table ({', '.join(theirs)}).",
                                _MATCH_FIX)
    return matched


def _names_in(result: EvalInput, keys: Sequence[str]) -> dict[str, str | None]:
    """For each paper key, this eval's benchmark name for it (None if it did not run that benchmark)."""
    ours = {paper_benchmark(name): name for name in result.benchmarks}
    return {key: ours.get(key) for key in keys}


def _with_mean(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Add the plain mean over the compared columns (NaN when a row lacks one of them)."""
    frame = frame.reindex(columns=["source", "row", "k", *columns])
    frame[MEAN] = frame[columns].astype("float64").mean(axis=1, skipna=False)
    return frame


def write_table_files(frame: pd.DataFrame, out: Path, stem: str) -> tuple[Path, ...]:
    """The table as out/stem.md and out/stem.csv."""
    return tuple(write_table(frame, Path(out) / f"{stem}{suffix}", significant=PERCENT_DIGITS)
                 for suffix in (".md", ".csv"))
