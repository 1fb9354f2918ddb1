"""Fig. 2: response-level metrics per training step: ER, ERV and ERA of all, correct and incorrect responses,
and reward with response length on twin axes; one row per training run, smoothed by a rolling mean."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes

from semspace.figures.inputs import RunInput, as_inputs, has_values, training_frames
from semspace.figures.missing import FigureDataMissing
from semspace.figures.outputs import MadeFigure
from semspace.figures.style import (
    FORMATS,
    LABELS,
    LENGTH,
    REWARD,
    SUBSETS,
    check_formats,
    check_smooth,
    figure_legend,
    grid,
    markevery,
    new_figure,
    no_data,
    rolling,
    save,
    step_axis,
    styled,
)

NAME = "fig2"
TITLE = "Fig. 2: response-level metrics during training"
STEM = "fig2_response_metrics"
INDICATORS = ("er", "erv", "era")
SUFFIXES = {"all": "_mean", "correct": "_mean_correct", "incorrect": "_mean_incorrect"}
SUBSET_LABELS = {"all": "all responses", "correct": "correct", "incorrect": "incorrect"}
COLUMNS = (*(f"{i}{s}" for i in INDICATORS for s in SUFFIXES.values()), "reward_mean", "length_mean")


def fig2_response_metrics(runs, out, *, labels: Mapping | None = None, smooth: int = 10,
                          formats=FORMATS) -> MadeFigure:
    """One row per training run in `runs`. `smooth` is a trailing rolling mean over that many steps (the paper
    uses 10); the first steps, and a run shorter than the window, average the steps there are (min_periods=1).
    Panels without data say so inside and in the result's notes."""
    formats, smooth = check_formats(formats), check_smooth(smooth)
    trained = training_frames(NAME, "Fig. 2", as_inputs(runs, labels))
    if not any(has_values(frame, column) for _, frame in trained for column in COLUMNS):
        lacking = "; ".join(f"{run.label} ({len(frame)} steps)" for run, frame in trained)
        raise FigureDataMissing(NAME, f"Fig. 2 needs per-step columns {', '.join(COLUMNS)} with values; none has "
                                      f"any: {lacking}.", "Train with semspace train, which logs them each step.")
    notes, axes = [], []
    with styled():
        figure = new_figure(12.0, 2.7 * len(trained) + 0.9)
        rows = figure.subfigures(len(trained), 1, squeeze=False).ravel()
        for row, (run, frame) in zip(rows, trained):
            row.suptitle(_row_title(run, len(frame)))
            panels = row.subplots(1, 4)
            for ax, indicator in zip(panels, INDICATORS):
                notes += _indicator_panel(ax, run, frame, indicator, smooth)
            twin, found = _reward_length_panel(panels[3], run, frame, smooth)
            notes += found
            axes += [*panels, twin]
        figure_legend(figure, axes)
        figure.suptitle(f"{TITLE} (rolling mean over {smooth} step{'s' if smooth != 1 else ''})")
        files = save(figure, Path(out), STEM, formats)
    return MadeFigure(name=NAME, title=TITLE, files=files, notes=tuple(notes))


def _row_title(run: RunInput, steps: int) -> str:
    """A row's title: the run's label, its model and how many steps it has."""
    model = run.model.get("name") or "model unknown"
    return f"{run.label} ({model}, {steps} step{'s' if steps != 1 else ''})"


def _indicator_panel(ax: Axes, run: RunInput, frame: pd.DataFrame, indicator: str, smooth: int) -> list[str]:
    """One indicator's mean over all, correct and incorrect responses per step; notes on subsets without data."""
    name = indicator.upper()
    ax.set_title(name)
    columns = {subset: f"{indicator}{suffix}" for subset, suffix in SUFFIXES.items()}
    present = {subset: column for subset, column in columns.items() if has_values(frame, column)}
    if not present:
        message = f"no {name} data: columns {', '.join(columns.values())} absent or all NaN"
        no_data(ax, message)
        return [f"Fig. 2, {run.label}: {message}."]
    for subset, column in present.items():
        ax.plot(frame["step"], rolling(frame[column], smooth), label=SUBSET_LABELS[subset],
                markevery=markevery(len(frame)), **SUBSETS[subset])
    step_axis(ax)
    ax.set_ylabel(LABELS[indicator])
    grid(ax)
    return [f"Fig. 2, {run.label}: {name} has no {subset} responses' values ({column} absent or all NaN)."
            for subset, column in columns.items() if subset not in present]


def _reward_length_panel(ax: Axes, run: RunInput, frame: pd.DataFrame, smooth: int) -> tuple[Axes, list[str]]:
    """Mean reward (left axis) and mean response length (right axis) per step."""
    ax.set_title("reward & response length")
    twin = ax.twinx()
    drawn = []
    for axis, side, column, label, style in ((ax, "left", "reward_mean", "reward", REWARD),
                                             (twin, "right", "length_mean", "length", LENGTH)):
        if has_values(frame, column):
            axis.plot(frame["step"], rolling(frame[column], smooth), label=f"{label} ({side} axis)",
                      markevery=markevery(len(frame)), **style)
            axis.set_ylabel(LABELS[label])
            drawn.append(column)
    missing = [column for column in ("reward_mean", "length_mean") if column not in drawn]
    if not drawn:
        twin.set_axis_off()
        message = "no reward or length data: columns reward_mean, length_mean absent or all NaN"
        no_data(ax, message)
        return twin, [f"Fig. 2, {run.label}: {message}."]
    step_axis(ax)
    grid(ax)
    return twin, [f"Fig. 2, {run.label}: no {column} values." for column in missing]
