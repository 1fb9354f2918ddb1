"""One look for every figure: fonts, sizes, axis labels with units, and series told apart by line style and
marker as well as colour, so a grayscale print still separates them. Figures are matplotlib Figure objects
rendered by Agg (PNG) and the PDF backend: no display is ever opened."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from semspace.errors import InvalidInputError

FORMATS = ("png", "pdf")
DPI = 150
RC = {"font.size": 8, "axes.titlesize": 9, "axes.labelsize": 8, "legend.fontsize": 7, "xtick.labelsize": 7,
      "ytick.labelsize": 7, "lines.linewidth": 1.3, "lines.markersize": 3.5, "pdf.fonttype": 42,
      "figure.titlesize": 10}
# Okabe-Ito colours (distinct for colour-blind readers); black first.
COLOURS = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
LINE_STYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
SUBSETS = {  # Fig. 2's response subsets: all, correct, incorrect
    "all": {"color": "#000000", "linestyle": "-", "marker": None},
    "correct": {"color": "#0072B2", "linestyle": "--", "marker": "o"},
    "incorrect": {"color": "#D55E00", "linestyle": ":", "marker": "s"},
}
LEFT = {"color": "#000000", "linestyle": "-", "marker": None}  # twin axes: the left series
RIGHT = {"color": "#D55E00", "linestyle": "--", "marker": "s"}  # and the right one
REWARD = {"color": "#009E73", "linestyle": "-.", "marker": "D"}
LENGTH = {"color": "#CC79A7", "linestyle": "--", "marker": "v"}
LABELS = {
    "er": "ER (effective directions)",
    "erv": "ERV (effective directions / prefix step)",
    "era": "ERA (effective directions / prefix step²)",
    "reward": "reward (mean score, 0–1)",
    "length": "length (tokens)",
    "step": "training step",
    "k": "k (samples, log₂ scale)",
    "pass_at_k": "pass@k (%)",
    "pass_at_1": "validation pass@1 (%)",
    "global_er": "dataset-level ER (effective directions)",
    "global_trad_rank": "traditional rank (directions)",
    "global_erv": "ER-based (directions / step)",
    "global_trad_erv": "rank-based (directions / step)",
    "global_era": "ER-based (directions / step²)",
    "global_trad_era": "rank-based (directions / step²)",
}
MARKERS_PER_LINE = 12
NO_DATA_WIDTH = 34


def series_style(index: int) -> dict:
    """The index-th series' colour, line style and marker; style and marker repeat only after 28 series."""
    return {"color": COLOURS[index % len(COLOURS)], "linestyle": LINE_STYLES[index % len(LINE_STYLES)],
            "marker": MARKERS[index % len(MARKERS)]}


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """png and/or pdf (given as a list, or comma-separated), without a leading dot; anything else is refused."""
    names = [part.strip().lower().lstrip(".") for value in ([formats] if isinstance(formats, str) else formats)
             for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise InvalidInputError(f"Unknown figure format {unknown or names}.", "Use png, pdf or png,pdf.")
    return tuple(dict.fromkeys(names))


def check_smooth(smooth: int) -> int:
    """A rolling window of at least one step (1 = raw values)."""
    if isinstance(smooth, bool) or not isinstance(smooth, int) or smooth < 1:
        raise InvalidInputError(f"--smooth must be a whole number of steps >= 1, got {smooth!r}.",
                                "Pass 10 (the paper's window) or 1 for raw values.")
    return smooth


def rolling(values: pd.Series, window: int) -> pd.Series:
    """Trailing rolling mean over `window` steps; the first steps (and a run shorter than the window) average
    what is there (min_periods=1), and missing values are skipped rather than spreading."""
    return values.astype("float64").rolling(window, min_periods=1).mean()


@contextmanager
def styled() -> Iterator[None]:
    """The shared rcParams, for building and saving one figure."""
    with matplotlib.rc_context(RC):
        yield


def new_figure(width: float, height: float) -> Figure:
    """An empty figure with constrained layout, sized in inches."""
    return Figure(figsize=(width, height), layout="constrained")


def save(figure: Figure, out: Path, stem: str, formats: Iterable[str]) -> tuple[Path, ...]:
    """Write the figure once per format as out/stem.<format>, creating out; overwrites an earlier rendering."""
    Path(out).mkdir(parents=True, exist_ok=True)
    paths = []
    for name in formats:
        path = Path(out) / f"{stem}.{name}"
        figure.savefig(path, dpi=DPI)
        paths.append(path)
    return tuple(paths)


def no_data(ax: Axes, message: str) -> None:
    """Say inside the panel why it is empty, instead of drawing empty axes."""
    text = ax.text(0.5, 0.5, textwrap.fill(message, NO_DATA_WIDTH), transform=ax.transAxes, ha="center",
                   va="center", fontsize=7, color="0.25",
                   bbox={"facecolor": "0.95", "edgecolor": "0.7", "boxstyle": "round,pad=0.4"})
    text.set_in_layout(False)
    ax.set_xticks([])
    ax.set_yticks([])


def grid(ax: Axes) -> None:
    """Light grid lines behind the data."""
    ax.grid(color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)


def markevery(points: int) -> int:
    """Mark about MARKERS_PER_LINE points of a line, so markers identify it without hiding it."""
    return max(1, points // MARKERS_PER_LINE)


def figure_legend(figure: Figure, axes: Iterable[Axes]) -> None:
    """One legend below the panels with every labelled series once (panels may show different subsets)."""
    entries = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            entries.setdefault(label, handle)
    if entries:
        figure.legend(list(entries.values()), list(entries), loc="outside lower center", frameon=False,
                      ncols=min(len(entries), 4))


def step_axis(ax: Axes) -> None:
    """Label the x-axis as training steps, ticked at whole steps."""
    ax.set_xlabel(LABELS["step"])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
