"""Fig. 1(c): pass@k against k (log₂ axis), one panel per benchmark, one line per eval folder (e.g. GRPO,
GRPO + entropy regularisation, GRPO + VERL)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

from matplotlib.ticker import FixedLocator, NullLocator

from semspace.figures.inputs import as_inputs, dtype_notes
from semspace.figures.missing import FigureDataMissing
from semspace.figures.outputs import MadeFigure
from semspace.figures.style import (
    FORMATS,
    LABELS,
    check_formats,
    figure_legend,
    grid,
    new_figure,
    no_data,
    save,
    series_style,
    styled,
)
from semspace.figures.tables import EVAL_FIX, benchmarks_of

NAME = "fig1c"
TITLE = "Fig. 1(c): pass@k by benchmark"
STEM = "fig1c_pass_at_k"
PANELS_PER_ROW = 4


def fig1c_pass_at_k(runs, out, *, labels: Mapping | None = None, formats=FORMATS) -> MadeFigure:
    """pass@k curves of every eval folder in `runs`, as its results.json reports them (percent)."""
    formats = check_formats(formats)
    inputs = as_inputs(runs, labels)
    names = benchmarks_of(inputs.evals)
    if not names:
        raise FigureDataMissing(NAME, f"Fig. 1(c) needs eval folders with pass@k (results.json of semspace eval); "
                                      f"{inputs.describe()}.", EVAL_FIX)
    columns = min(len(names), PANELS_PER_ROW)
    rows = math.ceil(len(names) / columns)
    with styled():
        figure = new_figure(3.0 * columns + 0.4, 2.6 * rows + 0.4)
        axes = figure.subplots(rows, columns, squeeze=False).ravel()
        for ax, benchmark in zip(axes, names):
            _panel(ax, benchmark, inputs.evals)
        for ax in axes[len(names):]:
            ax.set_visible(False)
        figure_legend(figure, axes)
        figure.suptitle(TITLE)
        files = save(figure, Path(out), STEM, formats)
    notes = [f"{result.label} has no {benchmark}." for benchmark in names for result in inputs.evals
             if benchmark not in result.benchmarks] + list(dtype_notes(inputs.evals))
    return MadeFigure(name=NAME, title=TITLE, files=files, notes=tuple(notes))


def _panel(ax, benchmark: str, evals) -> None:
    """One benchmark: a line per eval that ran it, k on a log₂ axis ticked at the k evaluated."""
    ax.set_title(benchmark)
    ks = set()
    for index, result in enumerate(evals):
        bench = result.benchmarks.get(benchmark)
        if bench is None or not bench.pass_at_k:
            continue
        ks |= set(bench.pass_at_k)
        ax.plot(list(bench.pass_at_k), list(bench.pass_at_k.values()), label=result.label, **series_style(index))
    if not ks:
        no_data(ax, "no pass@k reported")
        return
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_locator(FixedLocator(sorted(ks)))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:g}")
    ax.set_xlabel(LABELS["k"])
    ax.set_ylabel(LABELS["pass_at_k"])
    grid(ax)
