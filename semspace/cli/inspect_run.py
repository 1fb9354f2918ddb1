"""`semspace inspect RUN`: what a run holds, as tables of its settings, accuracy and metric summaries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from semspace.cli.app import app

RUN_FIELDS = ("status", "rows", "prompts", "metric_errors", "shards", "semspace_version", "created", "updated")
METRIC_STATS = ("count", "nan", "mean", "std", "min", "max")


@app.command("inspect")
def inspect_run(
    run: Annotated[Path, typer.Argument(help="A run folder: the --out of collect or train.")],
    verify: Annotated[bool, typer.Option("--verify", help="Also check each shard's sha256.")] = False,
) -> None:
    """Summarise a run: its settings, accuracy, and each metric's count, NaNs, mean, std, min and max."""
    show_run(run, verify=verify)


def show_run(run: Path, *, verify: bool = False) -> None:
    """Print the run, settings, accuracy and metrics tables."""
    from semspace.store import summarize_run

    summary = summarize_run(run, check_hashes=verify)
    console = Console()
    overview = {key: summary[key] for key in RUN_FIELDS}
    console.print(_pairs_table(f"Run {summary['run']}", overview))
    console.print(_pairs_table("Settings", _flatten(summary["settings"])))
    console.print(_pairs_table("Accuracy", summary["accuracy"]))
    console.print(_metrics_table(summary["metrics"]))


def _pairs_table(title: str, pairs: dict) -> Table:
    """A two-column name / value table."""
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for name, value in pairs.items():
        table.add_row(name, _text(value))
    return table


def _metrics_table(metrics: dict) -> Table:
    """One row per metric, one column per statistic."""
    table = Table(title="Metrics", title_justify="left")
    table.add_column("metric", style="bold")
    for stat in METRIC_STATS:
        table.add_column(stat, justify="right")
    for name, stats in metrics.items():
        table.add_row(name, *(_text(stats[stat]) for stat in METRIC_STATS))
    return table


def _flatten(settings: dict, prefix: str = "") -> dict:
    """Nested manifest sections as dotted names (model.id, sampling.temperature)."""
    flat = {}
    for key, value in settings.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _text(value) -> str:
    """Numbers to four significant digits, missing values as a dash."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
