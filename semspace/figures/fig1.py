"""Fig. 1(a) and 1(b): per-response scatter of two metrics with the OLS line, Pearson r and R² in each panel
(one panel per collect run, or per eval benchmark when no collect run is given): token-level exploration vs
exploitation, then ER vs ERV."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from semspace.analyses import correlate
from semspace.figures.inputs import Inputs, RunInput, as_inputs, benchmark_runs, response_frame
from semspace.figures.missing import FigureDataMissing
from semspace.figures.outputs import MadeFigure
from semspace.figures.paper import FIG1
from semspace.figures.scatter import scatter_figure
from semspace.figures.style import FORMATS, check_formats, save, styled

TITLES = {"fig1a": "Fig. 1(a): response entropy vs mean log-prob (token-level exploration vs exploitation)",
          "fig1b": "Fig. 1(b): ER vs ERV (semantic exploration vs exploitation)"}
STEMS = {"fig1a": "fig1a_entropy_vs_logprob", "fig1b": "fig1b_er_vs_erv"}
TITLE_WIDTH = 55  # characters of title that fit above one panel
COLLECT_FIX = "Pass a run of semspace collect or an eval folder (their runs have these columns)."


def fig1a_entropy_vs_logprob(runs, out, *, labels: Mapping | None = None,
                             formats=FORMATS) -> MadeFigure:
    """Unigram response entropy (nats) against mean log-prob (nats/token); the paper has r = −0.61, R² = 0.37."""
    return response_scatter("fig1a", runs, out, labels=labels, formats=formats)


def fig1b_er_vs_erv(runs, out, *, labels: Mapping | None = None, formats=FORMATS) -> MadeFigure:
    """ER against ERV; the paper has r = −0.06, R² = 0.00 (the two are nearly independent)."""
    return response_scatter("fig1b", runs, out, labels=labels, formats=formats)


def response_scatter(name: str, runs, out, *, labels: Mapping | None = None, formats=FORMATS) -> MadeFigure:
    """One Fig. 1 scatter from the per-response runs among `runs`; raises FigureDataMissing when none has both
    columns with values. stats maps each panel's label to its n, r and R² (the numbers printed in it)."""
    formats = check_formats(formats)
    inputs = as_inputs(runs, labels)
    paper = FIG1[name]
    frame, notes = _usable_rows(name, inputs, paper.x, paper.y)
    by = "run" if frame["run"].nunique() > 1 else None
    table = correlate(frame, paper.x, paper.y, by=by, bootstrap=0)
    panel_names = table["group"] if by else frame["run"].iloc[:1]
    stats = {str(label): {"n": int(row.n), "r": float(row.coefficient), "r2": float(row.r2)}
             for label, row in zip(panel_names, table.itertuples())}
    with styled():
        figure = scatter_figure(frame, paper.x, paper.y, by=by)
        title = textwrap.fill(TITLES[name], width=TITLE_WIDTH * len(panel_names), break_on_hyphens=False)
        figure.suptitle(f"{title}\npaper: r = {paper.r:.2f}, R² = {paper.r2:.2f}")
        files = save(figure, Path(out), STEMS[name], formats)
    return MadeFigure(name=name, title=TITLES[name], files=files, notes=tuple(notes), stats=stats)


def _usable_rows(name: str, inputs: Inputs, x: str, y: str) -> tuple[pd.DataFrame, list[str]]:
    """Rows of every per-response run holding both columns with at least one complete pair; notes on the rest."""
    title = TITLES[name].split(":")[0]
    runs, lacking, notes = inputs.responses, [], []
    if not runs and inputs.evals:
        runs, lacking = benchmark_runs(inputs.evals)
        notes.append(f"{title} draws the eval folders' benchmark runs, as no collect run was given.")
    if not runs:
        absent = "".join(f"; {entry}" for entry in lacking)
        raise FigureDataMissing(name, f"{title} needs per-response columns {x} and {y} from a collect run "
                                      f"(semspace collect) or an eval; {inputs.describe()}{absent}.", COLLECT_FIX)
    frames = []
    for run in runs:
        reason = _lacks(run, x, y)
        if reason:
            lacking.append(f"{run.label} ({reason})")
            continue
        frame = response_frame(run, [x, y])
        if not np.isfinite(frame[[x, y]].astype("float64").to_numpy()).all(axis=1).any():
            lacking.append(f"{run.label} (no response has finite {x} and {y})")
            continue
        frames.append(frame)
    if not frames:
        raise FigureDataMissing(name, f"{title} needs per-response columns {x} and {y}; "
                                      f"{'; '.join(lacking)}.", COLLECT_FIX)
    notes += [f"{title} leaves out {entry}." for entry in lacking]
    frame = pd.concat(frames, ignore_index=True)
    order = list(dict.fromkeys(run.label for run in runs))  # panels in the order the runs were given
    frame["run"] = pd.Categorical(frame["run"], categories=order)
    return frame, notes


def _lacks(run: RunInput, x: str, y: str) -> str:
    """Which of the two columns a run lacks, as text; empty when it has both."""
    columns = run.columns()
    missing = [name for name in (x, y) if name not in columns]
    return f"no column {', '.join(missing)}" if missing else ""
