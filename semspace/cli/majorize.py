"""`semspace majorize RUN`: the Appendix F majorization conditions on a run saved with --save-hidden."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from semspace.cli.app import app

BUG_EXIT_CODE = 3
WIDE = 160
FLAG_HEADERS = {"flag": "flag", "with": "with", "without": "without", "no_pairs": "no pairs", "erv_with": "ERV with",
                "erv_without": "ERV without", "point_biserial_r": "r_pb", "point_biserial_p": "p_pb",
                "mannwhitney_p": "p_MW", "accuracy_with": "acc. with", "accuracy_without": "acc. without"}
console = Console(stderr=True)


@app.command("majorize")
def majorize(
    run: Path = typer.Argument(..., show_default=False, help="A run collected with --save-hidden."),
    windows: str = typer.Option("growing", help="growing (the prefixes behind ERV) or sliding (fixed --width, so "
                                                "the support can stay equal)."),
    width: int | None = typer.Option(None, show_default=False, help="Rows per window with --windows sliding."),
    stride: int | None = typer.Option(None, show_default=False,
                                      help="Step between windows, in tokens. Default: the run's metric stride."),
    window: int | None = typer.Option(None, show_default=False,
                                      help="Analyse only the last W tokens (0 = whole response). Default: the "
                                           "run's metric window."),
    tau: float = typer.Option(1e-3, help="Support threshold: count q_i > tau (q sums to 1)."),
    tol: float = typer.Option(1e-9, help="Tolerance on partial sums in the majorization test."),
    out: Path | None = typer.Option(None, show_default=False,
                                    help="Write the per-pair results to this .csv (or .json, .md) file."),
    plot: Path | None = typer.Option(None, show_default=False,
                                     help="Draw the conditions by pair and ERV by all-pairs flag to .png/.pdf."),
) -> None:
    """Per consecutive window pair: equal support (i), majorization (ii), both, Schur consistency; per response:
    whether all pairs hold, against ERV and correctness. Windows are centred as the run's metrics were.
    Consistency uses exp(Shannon entropy) of q, exactly Schur-concave (ER's 1e-8 guards, docs/metrics.md §2, make
    it not quite); a violation is a bug in semspace and exits with code 3."""
    from semspace.analyses import (
        SchurConsistencyError,
        check_figure_path,
        check_table_path,
        flag_relations,
        pair_summary,
        write_table,
    )

    if out is not None:
        check_table_path(out)
    if plot is not None:
        check_figure_path(plot)
    try:
        result = _with_progress(run, windows=windows, width=width, stride=stride, window=window, tau=tau,
                                tol=tol)
    except SchurConsistencyError as error:
        console.print(f"bug: {error}", markup=False, highlight=False)
        raise typer.Exit(BUG_EXIT_CODE) from None
    summary = pair_summary(result.pairs)
    terminal = Console(width=None if sys.stdout.isatty() else WIDE)
    terminal.print(_pairs_table(summary, result.windows, tau))
    terminal.print(_flags_table(flag_relations(result.responses)))
    if out is not None:
        console.print(f"per-pair results written to {write_table(result.pairs, out)}")
    if plot is not None:
        from semspace.figures import majorization_plot

        console.print(f"figure written to {majorization_plot(result, plot)}")


def _with_progress(run: Path, **options):
    """majorize_run with a bar of responses done."""
    from semspace.analyses import majorize_run

    columns = (TextColumn("[bold]majorize"), BarColumn(), MofNCompleteColumn(), TextColumn("responses"),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("majorize", total=None)
        return majorize_run(run, on_response=lambda done, total: bar.update(task, completed=done, total=total),
                            **options)


def _pairs_table(summary: dict, windows, tau: float) -> Table:
    """The fractions of pairs meeting each condition, μ and the consistency count."""
    window = "whole response" if windows.window is None else f"last {windows.window} tokens"
    shape = f"width {windows.width}, " if windows.width else ""
    table = Table(title=f"Pairs of {windows.kind} windows ({shape}stride {windows.stride}, {window})",
                  show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [
        ("pairs", str(summary["pairs"])),
        (f"(i) equal support, q > {tau:g}", _number(summary["frac_equal_support"])),
        ("(i) equal support, absolute tolerance", _number(summary["frac_equal_abs_support"])),
        ("(ii) majorized", _number(summary["frac_majorized"])),
        ("(i) and (ii)", _number(summary["frac_both"])),
        ("(i) absolute and (ii)", _number(summary["frac_both_abs"])),
        ("μ: smallest ER increase with (ii)", _number(summary["mu"])),
        ("Schur consistency (exp Shannon entropy): pairs checked, all held", str(summary["schur_checked"])),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table


def _flags_table(relations) -> Table:
    """Per all-pairs flag: how many responses have it, their ERV and accuracy against the others."""
    table = Table(title="Responses whose every pair holds the condition (r_pb: point-biserial r of ERV on the "
                        "flag; p_MW: Mann-Whitney p)", title_justify="left")
    for name in FLAG_HEADERS.values():
        table.add_column(name, justify="left" if name == "flag" else "right", no_wrap=True)
    for row in relations.to_dict("records"):
        table.add_row(*(_number(row[name]) for name in FLAG_HEADERS))
    return table


def _number(value) -> str:
    """Four significant digits; a dash when undefined; text and counts as they are."""
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:.4g}"
    return str(value)
