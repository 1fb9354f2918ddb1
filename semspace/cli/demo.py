"""`semspace demo`: the main job on the embedded model, offline: collect on built-in arithmetic, then inspect."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from semspace.cli.app import app
from semspace.cli.collect import run_with_progress
from semspace.cli.inspect_run import show_run
from semspace.collect import CollectConfig, SamplingSettings
from semspace.models import DEFAULT_MODEL

console = Console(stderr=True)


@app.command("demo")
def demo(
    out: Path = typer.Option(Path("runs/demo"), help="Run folder; an existing demo run there is continued."),
    prompts: int = typer.Option(24, help="Built-in arithmetic problems to sample."),
    n: int = typer.Option(8, help="Responses per problem."),
    max_new_tokens: int = typer.Option(128, help="Longest response, in tokens."),
    model: str = typer.Option(DEFAULT_MODEL, help="Model to run (the embedded SmolLM2-135M needs no download)."),
) -> None:
    """Collect hidden-state metrics of the embedded model on built-in arithmetic, then summarise the run."""
    resume = (out / "manifest.json").is_file()
    console.print(f"[bold]semspace demo[/bold]: {model} answers {prompts} arithmetic problems x {n} samples "
                  f"on this machine; ER, ERV, ERA (stride 1, window 512) and token baselines for each response.")
    if resume:
        console.print(f"continuing the demo run already in {out}")
    config = CollectConfig(out=out, model=model, dataset=f"arithmetic:{prompts}",
                           sampling=SamplingSettings(n=n, max_new_tokens=max_new_tokens), resume=resume)
    run_with_progress(config)
    show_run(out)
    console.print(f"[green]done:[/green] the run is in {out} (Parquet shards + manifest.json); "
                  f"load it with `semspace.store.read_run('{out}')`.")
