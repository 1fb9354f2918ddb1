"""Build and run a shaped GRPO training: prompts, model, shaper, TRL config, step log, resume."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch
from accelerate import PartialState
from datasets import Dataset
from trl import GRPOConfig

from semspace.data import build_prompt, grade, load_problems
from semspace.layout import CHECKPOINTS
from semspace.models import LoadedModel, load_model
from semspace.shaping import make_shaper
from semspace.store import RunWriter
from semspace.store.lock import RunLock
from semspace.train.config import TrainConfig
from semspace.train.trainer import ShapedGRPOTrainer, latest_complete_checkpoint

REFERENCE_MODEL = "reference-model"


def correctness_reward(completions, answer, **_) -> list[float]:
    """GRPO's reward: 1.0 when the completion's boxed answer equals the gold answer, else 0.0."""
    return [grade(text, gold).reward for text, gold in zip(completions, answer)]


def on_cpu() -> bool:
    """Train on the CPU when torch sees no CUDA device (then `torchrun` gives DDP over gloo)."""
    return not torch.cuda.is_available()


def grpo_config(config: TrainConfig) -> GRPOConfig:
    """TRL's settings for the run; checkpoints go under <out>/checkpoints."""
    return GRPOConfig(
        output_dir=str(config.out / CHECKPOINTS),
        per_device_train_batch_size=config.batch_size * config.num_generations,
        num_generations=config.num_generations, num_iterations=config.num_iterations,
        max_completion_length=config.max_completion_length,
        temperature=config.temperature, beta=config.beta, learning_rate=config.learning_rate,
        lr_scheduler_type="constant",
        max_steps=config.max_steps, save_strategy="steps", save_steps=config.save_steps, seed=config.seed,
        use_vllm=config.use_vllm, vllm_mode=config.vllm_mode, logging_steps=1,
        report_to=config.report_to.split(","), disable_tqdm=True,
        bf16=not on_cpu() and torch.cuda.is_bf16_supported(), use_cpu=on_cpu(),
    )


def give_reference_a_folder(loaded, out: Path) -> None:
    """TRL loads the KL reference from the policy config's path; a model built in-process gets one under <out>."""
    if loaded.spec.kind != "tiny":
        return
    folder = out / REFERENCE_MODEL
    if not (folder / "config.json").is_file():
        loaded.model.save_pretrained(folder)
    loaded.model.config._name_or_path = str(folder)


def build_trainer(config: TrainConfig, on_load: Callable[[LoadedModel], None] | None = None
                  ) -> tuple[ShapedGRPOTrainer, RunWriter | None]:
    """The trainer and (on the main process) the writer of the run's step rows."""
    shaper = make_shaper(config.shape, **config.shaper_options())
    state = PartialState(cpu=on_cpu())
    if state.is_main_process:
        RunLock(config.out).probe()  # another writer of this run: refused before the model loads
    loaded = load_model(config.model, dtype=config.dtype, device=str(state.device))
    if on_load:
        on_load(loaded)
    problems = load_problems(config.dataset, seed=config.seed)
    records = [{"prompt": build_prompt(loaded.tokenizer, p.problem, template=config.template), "answer": p.answer,
                "prompt_id": p.prompt_id} for p in problems.problems]
    manifest = {"kind": "train", "model": {"name": config.model, "source": loaded.spec.source, "dtype": loaded.dtype},
                "dataset": {"source": problems.source, "sha256": problems.sha256, "prompts": len(records)},
                "training": config.run_settings()}
    writer = RunWriter(config.out, manifest, resume=config.resume) if state.is_main_process else None
    if config.beta:
        give_reference_a_folder(loaded, config.out)
    trainer = ShapedGRPOTrainer(model=loaded.model, reward_funcs=[correctness_reward], args=grpo_config(config),
                                train_dataset=Dataset.from_list(records), processing_class=loaded.tokenizer,
                                shaper=shaper, step_writer=writer, stride=config.stride, window=config.window,
                                global_stride=config.global_stride, metrics_device=config.metrics_device)
    return trainer, writer


def run_training(config: TrainConfig, on_load: Callable[[LoadedModel], None] | None = None) -> Path:
    """Train, writing checkpoints (with the shaper state) and one row per step to the run in config.out."""
    checkpoint = latest_complete_checkpoint(config.out / CHECKPOINTS) if config.resume else None
    trainer, writer = build_trainer(config, on_load)
    try:
        trainer.train(resume_from_checkpoint=checkpoint)
        trainer.flush_step_rows()
        if writer is not None:
            writer.finish()
    finally:
        if writer is not None:
            writer.close()
    end_processes()
    return config.out


def end_processes() -> None:
    """Wait for every process, then close the process group (gloo aborts at exit if it is left open)."""
    state = PartialState()
    state.wait_for_everyone()
    if state.num_processes > 1:
        state.destroy_process_group()
