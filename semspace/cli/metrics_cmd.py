"""`semspace metrics RUN --out NEW`: recompute every hidden-state metric with other settings into a new run."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from semspace.cli.app import app

console = Console(stderr=True)


@app.command("metrics")
def metrics(
    run: Path = typer.Argument(..., show_default=False, help="A run collected with --save-hidden; only read."),
    out: Path = typer.Option(..., "--out", show_default=False, help="New run folder to write (must not exist or "
                                                                    "be empty)."),
    stride: int | None = typer.Option(None, show_default=False, help="Prefix stride for ERV/ERA. Default: the "
                                                                     "run's."),
    window: int | None = typer.Option(None, show_default=False, help="ERV/ERA use the last W tokens; 0 = whole "
                                                                     "response. Default: the run's."),
    center: bool | None = typer.Option(None, "--center/--no-center", show_default=False,
                                       help="Centre rows before the SVD. Default: the run's."),
    spectrum: str | None = typer.Option(None, show_default=False,
                                        help="sigma (the paper's) or sigma2 (RankMe). Default: the run's."),
    metrics_device: str = typer.Option("auto", help="Where spectra are solved: cpu, cuda, cuda:N, or auto (as "
                                                    "`semspace collect --help` says). Recorded in the new manifest."),
    keep_hidden: bool = typer.Option(False, "--keep-hidden", help="Copy the hidden states into the new run."),
) -> None:
    """Recompute ER, ERV, ERA, prefix ER, traditional rank, matrix entropy and curvature (and extra layers' ER,
    ERV, ERA) from stored hidden states, writing a new run; the original is never modified."""
    from semspace.analyses import recompute_run

    columns = (TextColumn("[bold]metrics"), BarColumn(), MofNCompleteColumn(), TextColumn("responses"),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("metrics", total=None)
        recompute_run(run, out, stride=stride, window=window, center=center, spectrum=spectrum,
                      device=metrics_device, keep_hidden=keep_hidden,
                      on_shard=lambda done, total: bar.update(task, completed=done, total=total))
    console.print(f"[green]done:[/green] recomputed run written to {out}. Look at it with `semspace inspect {out}`.")
