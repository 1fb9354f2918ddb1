"""`semspace demo`: the whole chain on the embedded model, offline, on a laptop CPU in about ten minutes:
collect on built-in arithmetic, correlate, a short GRPO run with and without VERL, a small eval, figures, report."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

from semspace.cli.app import app
from semspace.models.names import DEFAULT_MODEL

console = Console(stderr=True)


@app.command("demo")
def demo(
    out: Path = typer.Option(Path("runs/demo"), help="Demo folder; a demo already there is continued."),
    prompts: int = typer.Option(16, help="Built-in arithmetic problems to collect."),
    n: int = typer.Option(8, help="Responses per problem in the collect run."),
    max_new_tokens: int = typer.Option(128, help="Longest collected response, in tokens."),
    train_steps: int = typer.Option(6, help="GRPO steps of each training run (--shape none and --shape verl)."),
    eval_problems: int = typer.Option(16, help="Fresh level-1 problems in each eval (4 samples each)."),
    model: str = typer.Option(DEFAULT_MODEL, help="Model to run (the embedded SmolLM2-135M needs no download)."),
) -> None:
    """Run the whole chain on the embedded model: collect, correlate, train (GRPO with and without VERL), eval,
    figures, and a report (OUT/report.md).

    Fixed settings: collect at stride 1 and temperature 1.0, 8 problems a generate call, --dtype auto (float32
    on CPUs without native bf16); training on level-1 sums, 2 problems x 4 completions a step, 48 tokens,
    stride 8, learning rate 2e-5, a checkpoint halfway and at the end; evals on level-1 sums (a fresh draw,
    seed 1) at temperature 0.6, top-p 0.95, float32; figures smoothed over 2 steps.
    """
    from semspace.demo import DemoSettings, run_demo
    from semspace.demo.chain import Clock

    console.print(f"[bold]semspace demo[/bold] in {out}: {model} on built-in arithmetic, six stages, about ten "
                  "minutes on 2 CPU cores. A stage finished earlier is kept.")
    clock = Clock()
    report = run_demo(DemoSettings(out=out, prompts=prompts, n=n, max_new_tokens=max_new_tokens,
                                   train_steps=train_steps, eval_problems=eval_problems, model=model), _display())
    console.print(f"[green]done[/green] in {clock.elapsed()}: read {report} (figures in {out / 'figures'}; runs: "
                  "collect, train-none, train-verl, eval-*; load any with `semspace.store.read_run`).")


def _display():
    """The demo's display for a terminal or a log: stage headers, progress bars, the run and correlation tables."""
    from semspace.cli.collect import run_with_progress as collect_with_progress
    from semspace.cli.correlate import WIDE, correlation_rich_table
    from semspace.cli.eval_cmd import run_with_progress as eval_with_progress
    from semspace.cli.inspect_run import show_run
    from semspace.demo import DemoDisplay

    class Display(DemoDisplay):
        def stage(self, number, what, elapsed):
            console.print(f"\n[bold]({number}/6) {what}[/bold] [dim]({elapsed} in)[/dim]")

        def kept(self, folder, what):
            console.print(f"kept the finished {what} in {folder}")

        def collect(self, config):
            return collect_with_progress(config)

        def evaluate(self, config):
            return eval_with_progress(config)

        def training_model(self, loaded):
            console.print(loaded.describe(), soft_wrap=True)

        def collected(self, run):
            show_run(run)

        def correlations(self, table, note):
            Console(width=None if sys.stdout.isatty() else WIDE).print(correlation_rich_table(table, 0.95))
            console.print(note)

    return Display()
