"""`semspace benchmarks`: the paper's benchmarks by name, their Hugging Face datasets, and which are here."""

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from semspace.cli.app import app
from semspace.data.registry import DATA_DIR_VARIABLE, REGISTRY, default_data_dir

WIDE = 1000  # outside a terminal (a pipe, a log) a row stays on one line


@app.command("benchmarks")
def benchmarks(
    data_dir: Path = typer.Option(None, show_default=False,
                                  help="Folder of NAME.jsonl files, which come before the Hub (as in eval). "
                                       f"Default: ${DATA_DIR_VARIABLE}, else ./data."),
) -> None:
    """List the paper's benchmarks: Hub dataset, split, size, and whether each can be read here (no network)."""
    from semspace.data.hub_cache import benchmark_status

    folder = data_dir if data_dir is not None else default_data_dir()
    table = Table()
    for column in ("name", "Hugging Face dataset", "config/split", "problems", "in the paper", "here", "fetch"):
        table.add_column(column, overflow="fold")
    for benchmark in REGISTRY.values():
        status = benchmark_status(benchmark, folder)
        hub = benchmark.hub
        table.add_row(
            benchmark.name,
            hub.repo_id if hub else "file only",
            hub.describe() if hub else "",
            _problems(benchmark.problems, status.problems),
            benchmark.paper + (f"; {benchmark.note}" if benchmark.note else ""),
            status.where,
            hub.fetch_command() if hub else f"put {benchmark.name}.jsonl in the data dir",
        )
    console = Console(width=None if Console().is_terminal else WIDE)
    console.print(f"The paper's benchmarks by name; a NAME.jsonl in {folder} comes before the Hub dataset.")
    console.print(table)


def _problems(expected: int | None, found: int | None) -> str:
    """The registry's size, and the size of the copy here when it differs."""
    shown = "" if expected is None else str(expected)
    if found is not None and found != expected:
        shown += f" ({found} here)"
    return shown
