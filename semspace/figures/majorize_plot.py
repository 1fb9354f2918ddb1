"""A two-panel figure of a majorization analysis: where in a response the conditions hold, and the ERV of
responses whose every pair is majorized against the rest."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from semspace.analyses.frames import as_numbers
from semspace.analyses.labels import axis_label
from semspace.analyses.majorize import Majorization
from semspace.analyses.tables import check_figure_path

CONDITIONS = (("equal_support", "(i) equal support", "-"), ("majorized", "(ii) majorized", "--"),
              ("both", "(i) and (ii)", ":"))


def majorization_plot(result: Majorization, path):
    """Draw the figure to a PNG or PDF (by suffix) and return its path."""
    path = check_figure_path(path)
    figure = Figure(figsize=(10, 3.8), layout="constrained")
    by_position, by_flag = figure.subplots(1, 2)
    _conditions_by_pair(by_position, result)
    _erv_by_flag(by_flag, result)
    figure.savefig(path, dpi=150)
    return path


def _conditions_by_pair(ax, result: Majorization) -> None:
    """Fraction of responses meeting each condition at pair j, one line style per condition."""
    grouped = result.pairs.groupby("pair")
    for column, label, style in CONDITIONS:
        fractions = grouped[column].apply(lambda values: values.astype(bool).mean())
        ax.plot(fractions.index, fractions.to_numpy(), linestyle=style, color="black", label=label)
    unit = "prefix" if result.windows.kind == "growing" else "window"
    stride = result.windows.stride
    ax.set_xlabel(f"pair j ({unit} j−1 → j, stride {stride} token{'s' if stride != 1 else ''})")
    ax.set_ylabel("fraction of responses (0–1)")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(frameon=False, fontsize=8)
    ax.grid(color="0.9", linewidth=0.6)


def _erv_by_flag(ax, result: Majorization) -> None:
    """Box plots of ERV for responses with every pair majorized and the others."""
    flags, erv = as_numbers(result.responses["all_majorized"]), as_numbers(result.responses["erv"])
    usable = np.isfinite(flags) & np.isfinite(erv)
    groups = [erv[usable & (flags == 1.0)], erv[usable & (flags == 0.0)]]
    names = [f"all pairs (ii)\nn = {groups[0].size}", f"some pair not\nn = {groups[1].size}"]
    ax.boxplot([g if g.size else [np.nan] for g in groups], tick_labels=names, widths=0.5,
               medianprops={"color": "black"}, flierprops={"markerfacecolor": "0.5", "markersize": 3})
    ax.set_ylabel(axis_label("erv"))
    ax.grid(color="0.9", linewidth=0.6, axis="y")
