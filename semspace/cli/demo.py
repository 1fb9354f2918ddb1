"""`semspace demo`: the main job on the embedded model, offline: collect on built-in arithmetic, inspect, correlate."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console

from semspace.analyses import correlate, load_runs, scatter_plot
from semspace.cli.app import app
from semspace.cli.collect import run_with_progress
from semspace.cli.correlate import WIDE, correlation_rich_table
from semspace.cli.inspect_run import show_run
from semspace.collect import CollectConfig, SamplingSettings
from semspace.models import DEFAULT_MODEL

console = Console(stderr=True)
PAPER_PAIRS = (("response_entropy", "mean_logprob"), ("er", "erv"))


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
    figures = show_paper_pairs(out)
    console.print(f"[green]done:[/green] the run is in {out} (Parquet shards + manifest.json; load it with "
                  f"`semspace.store.read_run('{out}')`); the scatter plots are {figures[0]} and {figures[1]}.")


def show_paper_pairs(run: Path) -> list[Path]:
    """Fig. 1(a)/(b)'s pairs: token-level exploration vs exploitation, and ER vs ERV, as a table and two plots."""
    frame = load_runs([run])
    table = pd.concat([correlate(frame, x, y, methods=("pearson", "spearman")) for x, y in PAPER_PAIRS])
    Console(width=None if sys.stdout.isatty() else WIDE).print(correlation_rich_table(table, confidence=0.95))
    console.print("For comparison, the paper (Qwen2.5-Math-7B, responses up to thousands of tokens): response "
                  "entropy vs mean log-prob r = -0.61 (R² = 0.37); ER vs ERV r = -0.06. Here every response is "
                  "shorter than the 512-token window, so ERV sees exactly the tokens ER sees; on long responses the "
                  "window alone decouples them (SPEC §3). Separate the effects with `semspace correlate RUN "
                  "--metric er erv --by length --control n_tokens`.")
    return [scatter_plot(frame, x, y, run / "figures" / f"{x}-vs-{y}.png") for x, y in PAPER_PAIRS]
