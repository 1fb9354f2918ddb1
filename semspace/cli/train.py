"""`semspace train`: GRPO on a model with advantage shaping (none, entropy, verl) and one logged row per step."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from semspace.cli.app import app

console = Console(stderr=True)
DEFAULT = "Default: the config file's, else {}."


@app.command("train")
def train(
    out: Path = typer.Option(None, "--out", help="Run folder to create (or continue with --resume): step rows, "
                                                 "checkpoints/ with the shaper state."),
    config_file: Path = typer.Option(None, "--config", help="YAML file whose keys mirror these options; options "
                                                            "given here override it."),
    model: str = typer.Option(None, help="Policy: tiny-random, smollm2-135m, a hub id or alias, or a local folder. "
                                         + DEFAULT.format("smollm2-135m")),
    dataset: str = typer.Option(None, help="Training prompts: 'arithmetic[:N[:LEVELS]]', a JSONL/JSON file "
                                           "or a datasets name (needs gold answers). " + DEFAULT.format("arithmetic")),
    template: str = typer.Option(None, help="'chat' or 'plain' (base models). " + DEFAULT.format("chat")),
    dtype: str = typer.Option(None, help="Dtype of the trained weights: float32 (master weights; on GPUs TRL adds "
                                         "bf16 autocast), bfloat16 or auto (the checkpoint's). Small updates vanish "
                                         "in bf16 weights. " + DEFAULT.format("float32")),
    shape: str = typer.Option(None, help="Advantage shaping: none | entropy | verl. " + DEFAULT.format("none")),
    verl_mode: str = typer.Option(None, help="verl: adaptive | fixed (β = 0.5) | sum. Default adaptive."),
    verl_scope: str = typer.Option(None, help="verl: sequence (bonus on every token) | last-token (the reference "
                                              "code's). Default sequence."),
    verl_baseline: str = typer.Option(None, help="verl: ema (starts at the first batch mean) | reference (starts at "
                                                 "0, two-step lag). Default ema."),
    ema_alpha: float = typer.Option(None, help="verl: EMA rate of the baselines. Default 0.3."),
    gain: float = typer.Option(None, help="verl: meta-controller gain g in β = sigmoid(g·δ_ERA). Default 2.0."),
    kappa: float = typer.Option(None, help="verl, entropy: bonus cap |A0|/κ. Default 2.0."),
    aux_weight: float = typer.Option(None, help="verl: weight λ of the bonus. Default 1.0."),
    entropy_alpha: float = typer.Option(None, help="entropy: α in ψ = min(α·H, |A0|/κ). Default 0.4."),
    stride: int = typer.Option(None, help="Prefix stride for ERV/ERA. " + DEFAULT.format("40")),
    window: int = typer.Option(None, help="ERV/ERA use the last W tokens; 0 = whole response. "
                                          + DEFAULT.format("512")),
    global_stride: int = typer.Option(None, help="Stride over a step's responses for the dataset-level cumulative "
                                                 "ERV/ERA of its step row (Fig. 3; the reference's "
                                                 "global_diff_stride). They need more than 2x (ERA: 3x) this many "
                                                 "responses a step, else NaN. " + DEFAULT.format("20")),
    metrics_device: str = typer.Option(None, help="Where spectra are solved: cpu, cuda, cuda:N, or auto (as "
                                                  "`semspace collect --help` says). " + DEFAULT.format("auto")),
    num_generations: int = typer.Option(None, help="Completions per prompt (GRPO group). " + DEFAULT.format("4")),
    num_iterations: int = typer.Option(None, help="Optimisation passes over each generated batch (TRL's μ). Above "
                                                  "1, TRL runs an old log-prob pass of the policy, and the hidden "
                                                  "states come from that same pass. " + DEFAULT.format("1")),
    batch_size: int = typer.Option(None, help="Prompts per device per step. " + DEFAULT.format("2")),
    learning_rate: float = typer.Option(None, help="Adam learning rate, constant (the paper's). "
                                                    + DEFAULT.format("5e-7")),
    max_steps: int = typer.Option(None, help="Optimizer steps. " + DEFAULT.format("100")),
    max_completion_length: int = typer.Option(None, help="Longest completion, in tokens (the paper's response "
                                                         "length). " + DEFAULT.format("1536")),
    temperature: float = typer.Option(None, help="Sampling temperature. " + DEFAULT.format("1.0")),
    beta: float = typer.Option(None, help="KL coefficient (0 = no reference model). " + DEFAULT.format("0.001")),
    save_steps: int = typer.Option(None, help="Checkpoint (and step-row shard) every N steps. "
                                              + DEFAULT.format("50")),
    seed: int = typer.Option(None, help=DEFAULT.format("0")),
    use_vllm: bool = typer.Option(None, "--use-vllm/--no-use-vllm", help="Generate with vLLM (GPU extra). "
                                                                          "Default: off."),
    vllm_mode: str = typer.Option(None, help="With --use-vllm: 'colocate' (vLLM inside each training process) or "
                                             "'server' (a `trl vllm-serve` process on other GPUs). "
                                             + DEFAULT.format("colocate")),
    report_to: str = typer.Option(None, help="TRL's logging, semspace/* metrics included: none, tensorboard, wandb, "
                                             "trackio, all (comma-separated for several). " + DEFAULT.format("none")),
    resume: bool = typer.Option(None, "--resume/--no-resume", help="Continue the run in --out from its last "
                                                                   "checkpoint."),
) -> None:
    """Train with GRPO (TRL), shaping advantages with ER/ERV/ERA (verl) or token entropy, logging every step."""
    given = {name: value for name, value in locals().items() if name != "config_file"}
    from semspace.train import build_config, read_config_file, run_training

    config = build_config(read_config_file(config_file) if config_file else {}, given)
    run = run_training(config)
    console.print(f"[green]done:[/green] one row per step in {run} (semspace.store.read_run), "
                  f"checkpoints with the shaper state in {run / 'checkpoints'}.")
