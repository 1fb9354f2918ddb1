"""`semspace correlate RUN [RUN ...] --metric A B`: correlations between per-response metrics, as a table."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from semspace.cli.app import app
from semspace.errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

WIDE = 160
COLUMN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
console = Console(stderr=True)


@app.command("correlate")
def correlate(
    runs: list[Path] = typer.Argument(
        ..., show_default=False,
        help="Run folders (the --out of collect or train); several are concatenated, with `run` and `model` "
             "columns. A bare name that is not a folder (no '/') counts as one more metric, so "
             "`semspace correlate RUN --metric er erv` works."),
    metric: list[str] = typer.Option(
        ..., "--metric", "-m", show_default=False,
        help="Numeric columns to correlate (er, erv, era, mean_logprob, response_entropy, n_tokens, reward, ...): "
             "repeat the option or separate by commas. Two give one pair, more give every pair."),
    method: list[str] = typer.Option(["pearson"], help="pearson, spearman and/or kendall (tau-b): repeat or "
                                                       "separate by commas."),
    by: str | None = typer.Option(None, show_default=False,
                                  help="Correlate per group: correct, length (n_tokens strata), model, or any "
                                       "column. Default: no groups."),
    length_bins: int | None = typer.Option(None, show_default=False,
                                           help="With --by length: this many quantile strata of n_tokens. "
                                                "Default: 4, unless --length-edges."),
    length_edges: str | None = typer.Option(None, show_default=False,
                                            help="With --by length: right-closed strata between these n_tokens "
                                                 "edges, e.g. 0,128,256,512 (open-ended below the first and "
                                                 "above the last)."),
    control: list[str] = typer.Option([], show_default=False,
                                      help="Partial correlation controlling for these columns (e.g. n_tokens): "
                                           "OLS residuals for pearson, residuals of ranks for spearman. Repeat or "
                                           "separate by commas. Default: none."),
    bootstrap: int = typer.Option(1000, help="Bootstrap resamples for the percentile CI (0 = no CI)."),
    confidence: float = typer.Option(0.95, help="Confidence level of the bootstrap CI."),
    seed: int = typer.Option(0, help="Seed of the bootstrap resampling."),
    out: Path | None = typer.Option(None, show_default=False,
                                    help="Also write the table to this .csv, .json or .md file."),
    plot: Path | None = typer.Option(None, show_default=False,
                                     help="Draw the scatter with its OLS line, r and R² (raw values, controls not "
                                          "applied), one panel per group, to this .png or .pdf; with several "
                                          "pairs, one file per pair named FILE-x-y.png."),
) -> None:
    """Correlate per-response metrics of one or more runs: n, dropped rows, coefficient, p, bootstrap CI, R²."""
    from semspace.analyses import correlation_table, load_runs, write_table

    _check_outputs(out, plot)
    folders, extra = _runs_and_metric_names(runs)
    metrics = _split(metric) + extra
    frame = load_runs(folders)
    options = {"by": by, "length_bins": length_bins, "length_edges": _edges(length_edges)}
    table = correlation_table(frame, metrics, methods=_split(method), control=_split(control),
                              bootstrap=bootstrap, seed=seed, confidence=confidence, **options)
    Console(width=None if sys.stdout.isatty() else WIDE).print(correlation_rich_table(table, confidence))
    if out is not None:
        console.print(f"table written to {write_table(table, out)}")
    if plot is not None:
        from semspace.figures import scatter_plot

        pairs = list(dict.fromkeys(zip(table["x"], table["y"])))
        for x, y in pairs:
            path = plot if len(pairs) == 1 else plot.with_name(f"{plot.stem}-{x}-{y}{plot.suffix}")
            console.print(f"scatter written to {scatter_plot(frame, x, y, path, **options)}")


def _check_outputs(out: Path | None, plot: Path | None) -> None:
    """Refuse output file names of unknown formats before any work is done."""
    from semspace.analyses import check_figure_path, check_table_path

    if out is not None:
        check_table_path(out)
    if plot is not None:
        check_figure_path(plot)


def _runs_and_metric_names(arguments: list[Path]) -> tuple[list[Path], list[str]]:
    """Split positional arguments into run folders and trailing metric names (bare names that are no folder)."""
    folders = [path for path in arguments if path.is_dir() or not COLUMN_NAME.fullmatch(str(path))]
    names = [str(path) for path in arguments if path not in folders]
    return folders, names


def _split(values: list[str]) -> list[str]:
    """Repeated options and comma-separated lists, flattened."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _edges(text: str | None) -> list[float] | None:
    """--length-edges as numbers."""
    if text is None:
        return None
    try:
        return [float(part) for part in _split([text])]
    except ValueError:
        raise InvalidInputError(f"--length-edges must be numbers separated by commas, got {text!r}.",
                                "Pass them like 0,128,256,512.") from None


def correlation_rich_table(table: pd.DataFrame, confidence: float) -> Table:
    """The result as a terminal table (slope and intercept are in --out); the group and control columns only
    when there are groups or controls."""
    view = Table(title="Correlations", title_justify="left")
    show_group = table["group"].nunique() > 1 or (len(table) and table["group"].iloc[0] != "all")
    show_control = bool((table["control"] != "").any())
    names = ["group"] * show_group + ["x", "y", "method"] + ["control"] * show_control
    for name in names:
        view.add_column(name, style="bold" if name == "group" else None, no_wrap=True)
    for name in ("n", "dropped", "coef", "p", f"{confidence:.0%} CI", "R²"):
        view.add_column(name, justify="right", no_wrap=True)
    for row in table.itertuples(index=False):
        ci = f"[{_number(row.ci_low)}, {_number(row.ci_high)}]" if not math.isnan(row.ci_low) else "–"
        view.add_row(*(str(getattr(row, name)) for name in names), str(row.n), str(row.dropped),
                     _number(row.coefficient), _p_value(row.p_value), ci, _number(row.r2))
    return view


def _number(value: float) -> str:
    """Four significant digits, a dash when undefined."""
    return "–" if value is None or math.isnan(value) else f"{value:.4g}"


def _p_value(value: float) -> str:
    """p-values to two significant digits."""
    return "–" if math.isnan(value) else f"{value:.2g}"
