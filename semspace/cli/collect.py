"""`semspace collect`: sample responses, capture hidden states, compute every metric, write Parquet shards."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from semspace.cli.app import app
from semspace.collect.choices import DEFAULT_GPU_MEMORY
from semspace.collect.seeds import RUN_SEED_BITS
from semspace.models.names import AUTO_HELP, DEFAULT_MODEL

console = Console(stderr=True)
SEED_HELP = (f"Run seed, 0 to 2^{RUN_SEED_BITS}-1. Every response has its own seed, derived from (run seed, prompt "
             "index, sample index): no two responses of a run, or of runs with different seeds, share one. vllm "
             "samples each response from its own seed; hf draws a whole batch from one generator, seeded with its "
             "first response's seed, so an hf response also depends on --batch-size.")
BACKEND_HELP = "'hf' (transformers generate, any device) or 'vllm' (the vllm extra, for GPU servers)."
CAPTURE_HELP = ("Engine of the teacher-forced pass that gives H and token statistics: 'auto' (the --backend's), "
                "'vllm' (a pooling-mode vLLM engine beside the sampling one; needs --backend vllm; no transformers "
                "model is loaded; no --layers) or 'hf' (a transformers model).")
GPU_MEMORY_HELP = (f"With --backend vllm: the fraction of GPU memory the vLLM engines take together (default "
                   f"{DEFAULT_GPU_MEMORY}), 2/3 for sampling and 1/3 for a vLLM capture engine; with hf capture the "
                   "rest holds the transformers model. Recorded in the manifest. vLLM's CPU build sizes its cache by "
                   "VLLM_CPU_KVCACHE_SPACE instead.")


@app.command("collect")
def collect(
    out: Path = typer.Option(..., "--out", help="Run folder to create (or continue with --resume)."),
    model: str = typer.Option(DEFAULT_MODEL, help="smollm2-135m (embedded), tiny-random, a hub id or alias "
                                                  "(e.g. Qwen2.5-Math-7B), or a local folder. See `semspace models`."),
    dataset: str = typer.Option("arithmetic", help="'arithmetic' (built-in, 64 problems; 'arithmetic:N' for N, "
                                                   "'arithmetic:N:1,2' for levels 1-2 only), "
                                                   "a JSONL/JSON file, a benchmark of the paper by name (its "
                                                   "Hugging Face dataset; `semspace benchmarks` lists them), "
                                                   "or a datasets name."),
    n: int = typer.Option(8, help="Responses sampled per prompt."),
    max_new_tokens: int = typer.Option(1536, help="Longest response, in tokens (the paper's response length; "
                                                  "below the 512-token ERV window, ER and ERV see the same tokens)."),
    temperature: float = typer.Option(1.0, help="Sampling temperature (0 = greedy, needs --n 1)."),
    top_p: float = typer.Option(1.0, help="Nucleus sampling mass."),
    seed: int = typer.Option(0, help=SEED_HELP),
    limit: int = typer.Option(None, help="Use only the first N prompts."),
    batch_size: int = typer.Option(4, help="Prompts per generate call (each gives --n responses)."),
    template: str = typer.Option("chat", help="'chat' (the model's chat template) or 'plain' (base models)."),
    question_field: str = typer.Option(None, help="Field holding the question, if not detected."),
    answer_field: str = typer.Option(None, help="Field holding the gold answer, if not detected."),
    save_hidden: bool = typer.Option(False, "--save-hidden", help="Store H in the shards (large) so "
                                                                  "`semspace metrics` can recompute later."),
    hidden_dtype: str = typer.Option("float32", help="Storage dtype of H with --save-hidden: float32 (exact for "
                                                     "bf16/fp16/fp32 models, so `semspace metrics` reproduces "
                                                     "the stored metrics exactly) or float16 (half the size)."),
    align: str = typer.Option("predictive", help="Rows of H: 'predictive' (state that produced each token, the "
                                                 "paper's) or 'token' (state at each token)."),
    layers: list[int] = typer.Option([], "--layers", help="Extra decoder layers (1-based) to capture and measure; "
                                                          "repeat the option for several."),
    stride: int = typer.Option(1, help="Prefix stride s for ERV/ERA (1: the paper's analysis; 40: its training)."),
    window: int = typer.Option(512, help="ERV/ERA use the last W tokens (the reference's 512); 0 = whole response."),
    metrics_device: str = typer.Option("auto", help="Where spectra are solved, in float64: cpu, cuda, cuda:N, or "
                                                    "auto (the GPU when there is one, each eigen-problem on whichever "
                                                    "of CPU and GPU solves its size faster here, timed at start). "
                                                    "Recorded in the manifest; numbers agree to 1e-6."),
    backend: str = typer.Option("hf", help=BACKEND_HELP),
    capture_backend: str = typer.Option("auto", help=CAPTURE_HELP),
    gpu_memory_utilization: float = typer.Option(None, show_default=False, help=GPU_MEMORY_HELP),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run in --out."),
    device: str = typer.Option("auto", help="'auto' (accelerate's device: GPU if any), 'cpu', 'cuda', 'cuda:1'."),
    dtype: str = typer.Option("auto", help=f"Model dtype: auto, float32, bfloat16 or float16; {AUTO_HELP}. The "
                                           "dtype used is printed at start and kept in the manifest."),
    shard_prompts: int = typer.Option(16, help="Prompts per Parquet shard: the most work a crash can lose."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first response whose hidden states or logits "
                                                        "are not finite (fp16 overflow). Default: keep it as a row "
                                                        "with NaN metrics and the reason in `metric_error`."),
) -> None:
    """Sample responses, capture their last-layer hidden states, and store every metric as Parquet shards."""
    from semspace.collect import CollectConfig, SamplingSettings
    from semspace.metrics import MetricSettings

    config = CollectConfig(
        out=out, model=model, dataset=dataset,
        sampling=SamplingSettings(n=n, temperature=temperature, top_p=top_p, max_new_tokens=max_new_tokens),
        seed=seed, limit=limit, batch_size=batch_size, template=template, question_field=question_field,
        answer_field=answer_field, save_hidden=save_hidden, hidden_dtype=hidden_dtype, align=align,
        layers=tuple(layers), metrics=MetricSettings(stride=stride, window=window or None, device=metrics_device),
        backend=backend, capture_backend=capture_backend, gpu_memory_utilization=gpu_memory_utilization,
        resume=resume, device=device, dtype=dtype, prompts_per_shard=shard_prompts, strict=strict,
    )
    run_with_progress(config)
    console.print(f"[green]done:[/green] run written to {out}. Look at it with `semspace inspect {out}`.")


def run_with_progress(config) -> Path:
    """run_collect with a bar of prompts done, tokens as they are sampled, and the time split at the end."""
    from semspace.cli.progress import ProgressDisplay, progress_bar
    from semspace.collect import run_collect

    with progress_bar(console) as bar:
        task = bar.add_task("collect", total=None, detail="loading model and prompts")
        return run_collect(config, ProgressDisplay(console, bar, task, "collect"))
