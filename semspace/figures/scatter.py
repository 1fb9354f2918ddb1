"""The paper's Fig. 1(a)/(b) look: a scatter of two metrics with the OLS line, r and R² annotated, per group."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from semspace.analyses.coefficients import correlation, ols_line
from semspace.analyses.frames import as_numbers, resolve_columns
from semspace.analyses.labels import axis_label
from semspace.analyses.strata import ALL, LENGTH, LENGTH_COLUMN, MISSING, group_labels
from semspace.analyses.tables import check_figure_path

HEXBIN_ABOVE = 2000
PANELS_PER_ROW = 3


def scatter_plot(frame: pd.DataFrame, x: str, y: str, path, *, by: str | None = None,
                 length_bins: int | None = None, length_edges: Sequence[float] | None = None,
                 hexbin_above: int = HEXBIN_ABOVE) -> Path:
    """Draw y against x, one panel per group of `by`, to a PNG or PDF (by suffix); return the path.

    Each panel shows its rows (translucent points, or a grey hexbin of counts above `hexbin_above` rows), the OLS
    line, Pearson r, R² and n; rows missing either value are left out and their number printed.
    """
    path = check_figure_path(path)
    figure = scatter_figure(frame, x, y, by=by, length_bins=length_bins, length_edges=length_edges,
                            hexbin_above=hexbin_above)
    figure.savefig(path, dpi=150)
    return path


def scatter_figure(frame: pd.DataFrame, x: str, y: str, *, by: str | None = None, length_bins: int | None = None,
                   length_edges: Sequence[float] | None = None, hexbin_above: int = HEXBIN_ABOVE) -> Figure:
    """The figure scatter_plot saves, unsaved, so a caller can title it and write it in several formats."""
    x, y = resolve_columns(frame, [x, y])
    labels = group_labels(frame, by, length_bins=length_bins, length_edges=length_edges)
    groups = [label for label in labels.cat.categories if (labels == label).any()]
    columns = min(len(groups), PANELS_PER_ROW)
    rows = math.ceil(len(groups) / columns)
    figure = Figure(figsize=(4.4 * columns, 3.8 * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False, sharex=True, sharey=True).ravel()
    for ax, label in zip(axes, groups):
        members = frame[(labels == label).to_numpy()]
        _panel(ax, as_numbers(members[x]), as_numbers(members[y]), hexbin_above)
        ax.set_title(_title(by, label), fontsize=10)
    for ax in axes[len(groups):]:
        ax.set_visible(False)
    for ax in axes[:len(groups)]:
        ax.set_xlabel(axis_label(x))
        ax.set_ylabel(axis_label(y))
    return figure


def _title(by: str | None, label: str) -> str:
    """A panel's title: none for a single group, else what the group is."""
    if label == ALL:
        return ""
    return f"{LENGTH_COLUMN} in {label}" if by == LENGTH and label != MISSING else f"{by} = {label}"


def _panel(ax: Axes, xs: np.ndarray, ys: np.ndarray, hexbin_above: int) -> None:
    """Points (or hexbin), OLS line and the r / R² / n annotation of one group."""
    complete = np.isfinite(xs) & np.isfinite(ys)
    dropped = int((~complete).sum())
    xs, ys = xs[complete], ys[complete]
    if len(xs) > hexbin_above:
        ax.hexbin(xs, ys, gridsize=40, cmap="Greys", mincnt=1, bins="log", linewidths=0)
    else:
        ax.scatter(xs, ys, s=12, color="0.3", alpha=_alpha(len(xs)), edgecolors="none")
    r, _ = correlation("pearson", xs, ys)
    slope, intercept = ols_line(xs, ys)
    if math.isfinite(slope):
        line_x = np.array([xs.min(), xs.max()])
        ax.plot(line_x, intercept + slope * line_x, color="black", linewidth=1.5)
    text = f"r = {r:.2f}, R² = {r * r:.2f}\nn = {len(xs)}" if math.isfinite(r) else f"r undefined\nn = {len(xs)}"
    if dropped:
        text += f" ({dropped} dropped)"
    ax.text(0.03, 0.97, text, transform=ax.transAxes, va="top", ha="left", fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "0.6", "boxstyle": "round,pad=0.3"})
    ax.grid(color="0.9", linewidth=0.6)


def _alpha(n: int) -> float:
    """Opaque for a few points, fainter as they pile up."""
    return float(min(0.9, max(0.15, 30.0 / math.sqrt(max(n, 1)))))
