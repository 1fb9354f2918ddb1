"""Fig. 3: dataset-level metrics per training step: the ER of the batch's mean-pooled responses against its
traditional rank, cumulative ERV and ERA (ER-based against rank-based, twin axes), and the validation pass@1 of
the run's evaluated checkpoints; one row per training run."""

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
    LEFT,
    RIGHT,
    check_formats,
    check_smooth,
    figure_legend,
    grid,
    markevery,
    new_figure,
    no_data,
    rolling,
    save,
    series_style,
    step_axis,
    styled,
)
from semspace.figures.validation import ValidationPoint, validation_points

NAME = "fig3"
TITLE = "Fig. 3: dataset-level metrics during training"
STEM = "fig3_dataset_metrics"
PAIRS = (("global rank", "global_er", "global_trad_rank"),
         ("cumulative rank velocity", "global_erv", "global_trad_erv"),
         ("cumulative rank acceleration", "global_era", "global_trad_era"))
SIDE_LABELS = ("ER-based (left axis)", "traditional-rank-based (right axis)")
AVERAGE = "average"
NO_EVALS = ("no eval of this run's checkpoints was given: run semspace eval --model "
            "RUN/checkpoints/checkpoint-N and pass its folder")


def fig3_dataset_metrics(runs, out, *, labels: Mapping | None = None, smooth: int = 10,
                         formats=FORMATS) -> MadeFigure:
    """One row per training run in `runs`; eval folders in `runs` give the validation panel (see validation).
    Training series are smoothed like Fig. 2's; validation points are drawn as measured. A panel without data
    says so inside and in the notes; with no data in any panel, FigureDataMissing names what each run lacks."""
    formats, smooth = check_formats(formats), check_smooth(smooth)
    inputs = as_inputs(runs, labels)
    trained = training_frames(NAME, "Fig. 3", inputs)
    points = {run.path: validation_points(run, inputs.evals) for run, _ in trained}
    columns = [column for _, left, right in PAIRS for column in (left, right)]
    if not any(points.values()) and not any(has_values(frame, c) for _, frame in trained for c in columns):
        lacking = "; ".join(f"{run.label} ({len(frame)} steps, no eval folder of its checkpoints)"
                            for run, frame in trained)
        raise FigureDataMissing(NAME, f"Fig. 3 needs per-step columns {', '.join(columns)} with values or eval "
                                      f"folders of a run's checkpoints; {lacking}.",
                                "Train with semspace train (batches of 2+ responses), or pass eval folders of "
                                "its checkpoints.")
    notes, axes = [], []
    with styled():
        figure = new_figure(14.0, 2.8 * len(trained) + 0.9)
        rows = figure.subfigures(len(trained), 1, squeeze=False).ravel()
        for row, (run, frame) in zip(rows, trained):
            row.suptitle(f"{run.label} ({run.model.get('name') or 'model unknown'})")
            panels = row.subplots(1, 4)
            for ax, (title, left, right) in zip(panels, PAIRS):
                twin, found = _pair_panel(ax, run, frame, title, left, right, smooth)
                notes += found
                axes += [ax, twin]
            notes += _validation_panel(panels[3], run, points[run.path], frame)
            axes.append(panels[3])
        figure_legend(figure, axes)
        figure.suptitle(f"{TITLE} (training series: rolling mean over {smooth} step{'s' if smooth != 1 else ''})")
        files = save(figure, Path(out), STEM, formats)
    stats = {run.label: [(p.step, p.result.label, p.origin) for p in points[run.path]] for run, _ in trained}
    return MadeFigure(name=NAME, title=TITLE, files=files, notes=tuple(notes), stats={"validation_points": stats})


def _pair_panel(ax: Axes, run: RunInput, frame: pd.DataFrame, title: str, left: str, right: str,
                smooth: int) -> tuple[Axes, list[str]]:
    """An ER-based series on the left axis and its rank-based counterpart on the right."""
    ax.set_title(title)
    twin = ax.twinx()
    drawn = []
    for axis, column, style, label in ((ax, left, LEFT, SIDE_LABELS[0]), (twin, right, RIGHT, SIDE_LABELS[1])):
        if has_values(frame, column):
            axis.plot(frame["step"], rolling(frame[column], smooth), label=label,
                      markevery=markevery(len(frame)), **style)
            axis.set_ylabel(LABELS[column])
            drawn.append(column)
    missing = [column for column in (left, right) if column not in drawn]
    if not drawn:
        twin.set_axis_off()
        message = f"no data: columns {left}, {right} absent (older run) or all NaN (batches too small)"
        no_data(ax, message)
        return twin, [f"Fig. 3, {run.label}, {title}: {message}."]
    step_axis(ax)
    grid(ax)
    return twin, [f"Fig. 3, {run.label}, {title}: no {column} values (absent or all NaN)." for column in missing]


def _validation_panel(ax: Axes, run: RunInput, points: list[ValidationPoint], frame: pd.DataFrame) -> list[str]:
    """pass@1 (%) of each benchmark, and their average when there are several, at each evaluated step."""
    ax.set_title("validation")
    if not points:
        no_data(ax, NO_EVALS)
        return [f"Fig. 3, {run.label}, validation: {NO_EVALS}."]
    series = _validation_series(points)
    if not series:
        message = f"the evals of this run ({', '.join(p.result.label for p in points)}) report no pass@1"
        no_data(ax, message)
        return [f"Fig. 3, {run.label}, validation: {message}."]
    for index, (name, values) in enumerate(series.items()):
        style = {**series_style(index + 1), "linewidth": 1.0} if name != AVERAGE else {**series_style(0),
                                                                                        "linewidth": 2.0}
        ax.plot(list(values), list(values.values()), label=f"pass@1 {name}", **style)
    steps = [0, *frame["step"].tolist(), *(point.step for point in points)]
    ax.set_xlim(min(steps) - 1, max(steps) + 1)
    step_axis(ax)
    ax.set_ylabel(LABELS["pass_at_1"])
    grid(ax)
    return []


def _validation_series(points: list[ValidationPoint]) -> dict[str, dict[int, float]]:
    """pass@1 by step for each benchmark, and their mean over the benchmarks every point evaluated (an average
    over different sets would move with the set); a later eval of a step replaces an earlier one."""
    series: dict[str, dict[int, float]] = {}
    for point in points:
        for name, bench in point.result.benchmarks.items():
            if 1 in bench.pass_at_k:
                series.setdefault(name, {})[point.step] = bench.pass_at_k[1]
    steps = {point.step for point in points}
    everywhere = [name for name, values in series.items() if set(values) == steps]
    if len(everywhere) > 1:
        series[AVERAGE] = {step: sum(series[name][step] for name in everywhere) / len(everywhere) for step in steps}
    return {name: dict(sorted(values.items())) for name, values in series.items()}
