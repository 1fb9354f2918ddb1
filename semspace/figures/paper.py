"""The paper's published numbers (arXiv 2509.23808, project page; transcribed, shipped as package data) and the
mapping from a benchmark's name in an eval folder to the paper's name for it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import pandas as pd

SOURCE = ("arXiv 2509.23808, \"Semantic-Space Exploration and Exploitation in RLVR for LLM Reasoning\" (VERL), "
          "tables transcribed from the project page")
DISPLAY = {
    "aime24": "AIME24", "aime25": "AIME25", "amc23": "AMC23", "amc24": "AMC24", "asdiv": "ASDiv",
    "carp_en": "Carp_En", "cmath": "CMATH", "gaokao2024_I": "Gaokao2024_I", "gaokao2024_mix": "Gaokao2024_Mix",
    "gaokao_math_cloze": "GaokaoMathCloze", "gsm8k": "GSM8K", "mawps": "MAWPS", "olympiadbench": "OlympiadBench",
    "svamp": "SVAMP", "tabmwp": "TabMWP", "math500": "MATH500",
}
_YEAR = re.compile(r"(aime|amc)20(\d\d)")


@dataclass(frozen=True)
class PaperCorrelation:
    """A correlation the paper prints in a Fig. 1 panel."""

    x: str
    y: str
    r: float
    r2: float


FIG1 = {"fig1a": PaperCorrelation("response_entropy", "mean_logprob", r=-0.61, r2=0.37),
        "fig1b": PaperCorrelation("er", "erv", r=-0.06, r2=0.00)}


def _read(name: str) -> pd.DataFrame:
    """One of the shipped CSV files."""
    with resources.files("semspace.figures").joinpath("paper").joinpath(name).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle)


def paper_pass_at_1() -> pd.DataFrame:
    """Published pass@1 (%), long form: model, method, benchmark, pass1."""
    return _read("paper_pass1.csv")


def paper_pass_at_k() -> pd.DataFrame:
    """Published pass@k (%), long form: model, method, benchmark, k, passk."""
    return _read("paper_passk.csv")


def paper_averages() -> pd.DataFrame:
    """The published "Avg." columns: model, method, table (pass1 or passk), average."""
    return _read("paper_averages.csv")


def paper_benchmark(name: str) -> str | None:
    """The paper's key for a benchmark name (aime24, AIME_2024, math-500, gaokao2024_I, ...), None if absent."""
    squashed = _YEAR.sub(r"\1\2", re.sub(r"[^a-z0-9]", "", name.lower()))
    keys = {re.sub(r"[^a-z0-9]", "", key.lower()): key for key in DISPLAY}
    return keys.get(squashed)


def published_table(kind: str) -> pd.DataFrame:
    """A published table as printed: one row per model and method, a column per benchmark, the published Avg.

    `kind` is "pass1" or "passk"; pass@k columns carry their k, as in "MATH500 (pass@16)".
    """
    long = paper_pass_at_1() if kind == "pass1" else paper_pass_at_k()
    value = "pass1" if kind == "pass1" else "passk"
    if kind == "passk":
        long = long.assign(benchmark=[f"{DISPLAY[b]} (pass@{k})" for b, k in zip(long["benchmark"], long["k"])])
    else:
        long = long.assign(benchmark=long["benchmark"].map(DISPLAY))
    wide = long.pivot_table(index=["model", "method"], columns="benchmark", values=value, sort=False)
    averages = paper_averages().query("table == @kind").set_index(["model", "method"])["average"]
    wide["Avg. (published)"] = averages.reindex(wide.index).to_numpy()
    return wide.reset_index().rename_axis(columns=None)


def published_averages() -> pd.DataFrame:
    """The published Avg. of every row, pass@1 (15 benchmarks) and pass@k (5 benchmarks) side by side."""
    wide = paper_averages().pivot_table(index=["model", "method"], columns="table", values="average", sort=False)
    wide = wide.rename(columns={"pass1": "Avg. pass@1 (15 benchmarks)", "passk": "Avg. pass@k (5 benchmarks)"})
    return wide.reset_index().rename_axis(columns=None)
