"""`semspace eval`: pass@k of a model on benchmark files, one collect run per benchmark plus results.json."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from semspace.cli.app import app
from semspace.cli.collect import BACKEND_HELP, CAPTURE_HELP, GPU_MEMORY_HELP, SEED_HELP
from semspace.errors import InvalidInputError
from semspace.evaluate.benchmarks import ARITHMETIC, DATA_DIR_VARIABLE
from semspace.evaluate.defaults import EVAL_STRIDE, EVAL_TEMPERATURE, EVAL_TOP_P, TRAINING_RESPONSE_LENGTH
from semspace.layout import RESULTS
from semspace.models.names import AUTO_HELP, DEFAULT_MODEL

if TYPE_CHECKING:
    import pandas as pd

WIDE = 160
console = Console(stderr=True)


@app.command("eval")
def eval_command(
    extra: list[str] = typer.Argument(
        None, show_default=False, metavar="BENCHMARK|K",
        help="More benchmarks, and whole numbers as more k values, so `--benchmark aime24 amc23 --k 1 2 4` works."),
    out: Path = typer.Option(..., "--out", help=f"Eval folder to create (or continue with --resume): one collect "
                                                f"run per benchmark in OUT/<name>/, and OUT/{RESULTS}."),
    model: str = typer.Option(DEFAULT_MODEL, help="smollm2-135m (embedded), tiny-random, a hub id or alias "
                                                  "(e.g. Qwen2.5-Math-7B), or a local folder: a save_pretrained "
                                                  "folder or a training checkpoint "
                                                  "(runs/t/checkpoints/checkpoint-40)."),
    benchmark: list[str] = typer.Option(
        [], "--benchmark", "-b", show_default=False,
        help="A benchmark of the paper by name (math500, aime24, aime25, amc23, minerva_math, olympiadbench, "
             "gsm8k, ...: <data dir>/NAME.jsonl if that file exists, else its Hugging Face dataset from the local "
             "cache; `semspace benchmarks` lists them), a .jsonl/.json file (named by its stem), or the built-in "
             "'arithmetic' ('arithmetic:N', 'arithmetic:N:1,2' for levels). Repeat, list several, or separate by "
             "commas. Default: arithmetic."),
    data_dir: Path = typer.Option(None, show_default=False,
                                  help=f"Folder of NAME.jsonl files, which come before the Hub for a bare NAME. "
                                       f"Default: ${DATA_DIR_VARIABLE}, else ./data."),
    n: int = typer.Option(4, help="Responses sampled per problem (the n of pass@k). The paper used 1 for its "
                                  "pass@1 table and 16-256 for pass@k; 4 gives pass@1, 2, 4."),
    k: list[str] = typer.Option([], "--k", show_default=False,
                                help="k values of pass@k, each at most --n: repeat, list several, or separate by "
                                     "commas. Default: every power of two up to --n (1 2 4 for n=4)."),
    max_new_tokens: int = typer.Option(TRAINING_RESPONSE_LENGTH,
                                       help="Longest response, in tokens (the paper's training response length)."),
    temperature: float = typer.Option(EVAL_TEMPERATURE, help="Sampling temperature (the paper's evaluation "
                                                             "setting; 0 = greedy, needs --n 1)."),
    top_p: float = typer.Option(EVAL_TOP_P, help="Nucleus sampling mass (the paper's evaluation setting)."),
    seed: int = typer.Option(0, help=SEED_HELP),
    limit: int = typer.Option(None, show_default=False,
                              help="Use only the first N problems of each benchmark. Default: all."),
    batch_size: int = typer.Option(4, help="Problems per generate call (each gives --n responses)."),
    template: str = typer.Option("chat", help="'chat' (the model's chat template) or 'plain' (base models)."),
    stride: int = typer.Option(EVAL_STRIDE, help="Prefix stride for ERV/ERA in the sub-runs (the paper's evaluation "
                                        "stride; collect's analysis default is 1)."),
    window: int = typer.Option(512, help="ERV/ERA use the last W tokens; 0 = whole response (collect's default)."),
    metrics_device: str = typer.Option("auto", help="Where spectra are solved: cpu, cuda, cuda:N, or auto (as "
                                                    "`semspace collect --help` says)."),
    backend: str = typer.Option("hf", help=BACKEND_HELP),
    capture_backend: str = typer.Option("auto", help=CAPTURE_HELP),
    gpu_memory_utilization: float = typer.Option(None, show_default=False, help=GPU_MEMORY_HELP),
    device: str = typer.Option("auto", help="'auto' (accelerate's device: GPU if any), 'cpu', 'cuda', 'cuda:1'."),
    dtype: str = typer.Option("auto", help=f"Model dtype: auto, float32, bfloat16 or float16; {AUTO_HELP}. The "
                                           "dtype used is printed at start and kept in results.json; every "
                                           "benchmark of one eval uses the same."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted eval in --out: finished "
                                                        "benchmarks are kept, an unfinished one continues."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first response whose hidden states or logits "
                                                        "are not finite. Default: a row with NaN metrics and the "
                                                        "reason in `metric_error` (it is still graded)."),
) -> None:
    """pass@k of a model on benchmarks: n samples per problem, graded with math-verify, unbiased estimator."""
    from semspace.evaluate import EvalConfig, level_table, passk_table
    from semspace.metrics import MetricSettings

    benchmarks, ks = _benchmarks_and_ks(benchmark, k, extra or [])
    config = EvalConfig(
        out=out, model=model, benchmarks=tuple(benchmarks or [ARITHMETIC]), data_dir=data_dir, n=n,
        ks=tuple(ks) or None, temperature=temperature, top_p=top_p, max_new_tokens=max_new_tokens, seed=seed,
        limit=limit, batch_size=batch_size, template=template,
        metrics=MetricSettings(stride=stride, window=window or None, device=metrics_device),
        backend=backend, capture_backend=capture_backend, gpu_memory_utilization=gpu_memory_utilization,
        device=device, dtype=dtype, resume=resume, strict=strict,
    )
    results = run_with_progress(config)
    printer = Console(width=None if sys.stdout.isatty() else WIDE)
    printer.print(_rich_table("pass@k (%)", passk_table(results)))
    levels = level_table(results)
    if not levels.empty:
        printer.print(_rich_table("pass@k (%) by difficulty level", levels))
    console.print(f"[green]done:[/green] results in {out / RESULTS}; one collect run per benchmark in "
                  f"{out}/<name>/ (e.g. `semspace inspect {out / next(iter(results['benchmarks']))}`).")


def _benchmarks_and_ks(benchmark: list[str], k: list[str], extra: list[str]) -> tuple[list[str], list[int]]:
    """Split comma lists; of the values given without an option name, whole numbers are k values."""
    extra = _split(extra)
    benchmarks = _split(benchmark) + [value for value in extra if not value.isdigit()]
    k_texts = _split(k) + [value for value in extra if value.isdigit()]
    bad = [text for text in k_texts if not text.isdigit()]
    if bad:
        raise InvalidInputError(f"--k takes whole numbers, got {bad[0]!r}.", "Pass e.g. --k 1 2 4 or --k 1,2,4.")
    return benchmarks, [int(text) for text in k_texts]


def _split(values: list[str]) -> list[str]:
    """Repeated and comma-separated option values as one flat list."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def run_with_progress(config) -> dict:
    """run_eval with one bar per benchmark: problems done, tokens as they are sampled, the time split of each."""
    from semspace.cli.progress import ProgressDisplay, progress_bar
    from semspace.evaluate import run_eval

    with progress_bar(console) as bar:
        loading = bar.add_task("eval", total=None, detail="loading model and problems")
        tasks: list = []

        def events_for(name: str) -> ProgressDisplay:
            tasks.append(loading if not tasks else bar.add_task(name, total=None, detail=""))
            return ProgressDisplay(console, bar, tasks[-1], f"eval {name}")

        return run_eval(config, events_for)


def _rich_table(title: str, frame: pd.DataFrame) -> Table:
    """A rich table of a pass@k frame: percentages to one decimal, missing cells empty."""
    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        table.add_column(column, justify="left" if column in ("benchmark", "level") else "right")
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(value) for value in row))
    return table


def _cell(value) -> str:
    """One cell: floats as percentages with one decimal, missing as empty."""
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return f"{value:.1f}" if isinstance(value, float) else str(value)

