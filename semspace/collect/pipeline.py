"""prompts → samples → teacher-forced pass → metrics → rows → shards: the `semspace collect` pipeline.

Sampling and the teacher-forced pass run in the caller's thread (on the model's device); metrics, grading, rows and
shard writes of batch i run in a bounded background stage while batch i+1 is sampled, so the sampler waits only
when two batches are already in flight.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from semspace.collect.background import BackgroundStage
from semspace.collect.choices import BACKENDS, HIDDEN_DTYPES
from semspace.collect.engine import (
    Engine,
    ModelFacts,
    capture_backend,
    check_engine_settings,
    memory_shares,
    open_engine,
)
from semspace.collect.rows import build_rows
from semspace.collect.sampling import SamplingSettings
from semspace.collect.seeds import SCHEME as SEED_SCHEME
from semspace.collect.seeds import check_resumable_seeds, check_seed_space
from semspace.collect.teacher_forced import check_alignment, check_layers
from semspace.data import Problem, build_prompt, load_problems
from semspace.errors import InvalidInputError
from semspace.metrics import MetricSettings
from semspace.metrics.placement import placement
from semspace.models.names import DEFAULT_MODEL
from semspace.store import RunWriter, read_manifest
from semspace.store.lock import RunLock
from semspace.store.manifest import MANIFEST

BATCHES_IN_FLIGHT = 2


@dataclass
class CollectConfig:
    """Everything a collect run depends on; defaults are the paper's analysis setting (SPEC §3: stride 1)."""

    out: Path
    model: str = DEFAULT_MODEL
    dataset: str = "arithmetic"
    sampling: SamplingSettings = field(default_factory=SamplingSettings)
    metrics: MetricSettings = field(default_factory=lambda: MetricSettings(stride=1, device="auto"))
    seed: int = 0
    limit: int | None = None
    batch_size: int = 4
    template: str = "chat"
    question_field: str | None = None
    answer_field: str | None = None
    save_hidden: bool = False
    hidden_dtype: str = "float32"
    align: str = "predictive"
    layers: tuple[int, ...] = ()
    backend: str = "hf"
    capture_backend: str = "auto"  # auto: the sampling backend's
    gpu_memory_utilization: float | None = None  # both vLLM engines together; None: engine.DEFAULT_GPU_MEMORY
    resume: bool = False
    device: str = "auto"
    dtype: str = "auto"
    prompts_per_shard: int = 16
    strict: bool = False  # a response with non-finite states or logits stops the run instead of getting NaN metrics
    kind: str | None = None  # what made the run, recorded in the manifest when set ("eval" for eval sub-runs)

    def check(self) -> None:
        """Refuse bad settings before anything is loaded or written."""
        check_alignment(self.align)
        for name in ("batch_size", "prompts_per_shard"):
            if getattr(self, name) < 1:
                raise InvalidInputError(f"--{name.replace('_', '-')} must be at least 1.", "Pass a positive value.")
        if self.sampling.n < 1 or self.sampling.max_new_tokens < 1:
            raise InvalidInputError("--n and --max-new-tokens must be at least 1.", "Pass positive values.")
        if self.sampling.temperature == 0 and self.sampling.n > 1:
            raise InvalidInputError("temperature 0 (greedy) gives n identical responses.",
                                    "Use --n 1 with --temperature 0, or a temperature above 0.")
        if not 0 < self.sampling.top_p <= 1 or self.sampling.temperature < 0:
            raise InvalidInputError("--top-p must be in (0, 1] and --temperature at least 0.", "Fix the value.")
        if self.backend not in BACKENDS:
            raise InvalidInputError(f"--backend must be one of {BACKENDS}.", "Use hf (any device) or vllm (GPU).")
        if self.hidden_dtype not in HIDDEN_DTYPES:
            raise InvalidInputError(f"--hidden-dtype must be one of {HIDDEN_DTYPES}.", "Use float16 or float32.")
        check_engine_settings(self)


@dataclass
class Timings:
    """Where a run's time went, in seconds: the sampler's thread (sampling, capture, waiting for a free slot of the
    background stage) and the background stage (metrics with grading and rows, shard writes)."""

    sampling: float = 0.0
    capture: float = 0.0
    waiting: float = 0.0
    metrics: float = 0.0
    writing: float = 0.0

    def describe(self) -> str:
        """One line, e.g. for the end of `semspace collect`."""
        return (f"sampling {self.sampling:.1f} s, capture {self.capture:.1f} s, metrics {self.metrics:.1f} s, "
                f"writing {self.writing:.1f} s (beside sampling); the sampler waited {self.waiting:.1f} s")


@dataclass
class Progress:
    """What a progress display needs after each batch."""

    prompts_done: int
    prompts_total: int
    responses: int
    tokens: int
    timings: Timings = field(default_factory=Timings)


class CollectEvents:
    """What a collect run reports as it goes; every method does nothing here: override those you need."""

    def loaded(self, model: ModelFacts) -> None:
        """The model is loaded (not called when an engine is passed in); `model.describe()` says how."""

    def sampling(self, tokens: int) -> None:
        """Tokens sampled so far in the batch being sampled (HF: every step; vLLM: once, at the end)."""

    def batch_done(self, progress: Progress) -> None:
        """A batch's rows are made (called from the background stage's thread)."""

    def finished(self, progress: Progress) -> None:
        """Every row is written."""


def load_config_problems(config: CollectConfig):
    """The ProblemSet a run of `config` asks: its dataset, limit, field overrides and seed."""
    return load_problems(config.dataset, limit=config.limit, question_field=config.question_field,
                         answer_field=config.answer_field, seed=config.seed)


def run_collect(config: CollectConfig, events: CollectEvents | None = None, engine: Engine | None = None) -> Path:
    """Run (or resume) a collection; returns the run folder. Each process of `accelerate launch` takes a slice.

    `engine` reuses a model opened by open_engine with the same model, device, dtype and backend (eval runs
    several benchmarks on one model); without it the model is loaded here.
    """
    events = events or CollectEvents()
    config.check()
    RunLock(config.out, _process_index()).probe()  # another writer: refused before the model loads
    problems = load_config_problems(config)
    check_seed_space(config.seed, len(problems.problems), config.sampling.n)
    if config.resume and (Path(config.out) / MANIFEST).is_file():
        check_resumable_seeds(read_manifest(config.out))
    opened_here = engine is None
    engine = engine or open_engine(config)
    check_layers(list(config.layers), engine.model.num_layers)
    if opened_here:
        events.loaded(engine.model)
    writer = _open_writer(config, _manifest(config, engine.model, problems), engine.state)
    mine = [(index, problem) for index, problem in enumerate(problems.problems)
            if index % engine.state.num_processes == engine.state.process_index]
    todo = [(index, problem) for index, problem in mine if problem.prompt_id not in writer.done_prompt_ids]
    progress = Progress(len(mine) - len(todo), len(mine), 0, 0)
    finish = BatchFinisher(config, engine.tokenizer, writer, progress, events,
                           with_level=any(problem.level is not None for problem in problems.problems))
    try:
        with BackgroundStage(finish, depth=BATCHES_IN_FLIGHT) as stage:
            for start in range(0, len(todo), config.batch_size):
                stage.submit(_sample_and_capture(config, engine, todo[start:start + config.batch_size], progress,
                                                 events))
                progress.timings.waiting = stage.waited
            stage.drain()
        finish.flush()
        engine.state.wait_for_everyone()
        writer.finish()
    finally:
        writer.close()
    events.finished(progress)
    return config.out


@dataclass
class Captured:
    """One batch after sampling and the teacher-forced pass, ready for the background stage."""

    batch: list[tuple[int, Problem]]
    prompts: list[str]
    flat: list
    captures: list


def _sample_and_capture(config: CollectConfig, engine: Engine, batch: list[tuple[int, Problem]],
                        progress: Progress, events: CollectEvents) -> Captured:
    """Sample one batch of prompts (seeds from the run seed and prompt indices) and run the teacher-forced pass."""
    tokenizer = engine.tokenizer
    prompts = [build_prompt(tokenizer, problem.problem, template=config.template) for _, problem in batch]
    prompt_ids = [tokenizer(text, add_special_tokens=config.template == "plain")["input_ids"] for text in prompts]
    started = time.perf_counter()
    completions = engine.sampler.sample(prompt_ids, config.sampling, run_seed=config.seed,
                                        prompt_indices=[index for index, _ in batch], on_tokens=events.sampling)
    sampled = time.perf_counter()
    flat = [(b, c) for b, group in enumerate(completions) for c in group]
    captures = engine.capturer.capture([prompt_ids[b] for b, _ in flat], [c.token_ids for _, c in flat],
                                       align=config.align, layers=config.layers)
    progress.timings.sampling += sampled - started
    progress.timings.capture += time.perf_counter() - sampled
    return Captured(batch, prompts, flat, captures)


class BatchFinisher:
    """The background stage's work: a batch's metrics, grades and rows, written as shards of whole prompts."""

    def __init__(self, config: CollectConfig, tokenizer, writer: RunWriter, progress: Progress,
                 events: CollectEvents, *, with_level: bool):
        self.config, self.tokenizer, self.writer = config, tokenizer, writer
        self.progress, self.events, self.with_level = progress, events, with_level
        self.pending: list[dict] = []

    def __call__(self, captured: Captured) -> None:
        started = time.perf_counter()
        config = self.config
        rows = build_rows(captured.batch, captured.prompts, captured.flat, captured.captures, self.tokenizer,
                          config.metrics, layers=config.layers,
                          hidden_dtype=config.hidden_dtype if config.save_hidden else None, with_level=self.with_level,
                          strict=config.strict)
        self.progress.timings.metrics += time.perf_counter() - started
        self.pending.extend(rows)
        if len({row["prompt_id"] for row in self.pending}) >= self.config.prompts_per_shard:
            self.flush()
        self.progress.prompts_done += len(captured.batch)
        self.progress.responses += len(rows)
        self.progress.tokens += sum(row["n_tokens"] for row in rows)
        self.events.batch_done(self.progress)

    def flush(self) -> None:
        """Write the rows held so far as one shard."""
        if self.pending:
            started = time.perf_counter()
            self.writer.write_shard(self.pending)
            self.pending = []
            self.progress.timings.writing += time.perf_counter() - started


def _process_index() -> int:
    """This process's rank under accelerate/torchrun (before accelerate's state exists), 0 alone."""
    return int(os.environ.get("RANK", "0"))


def _open_writer(config: CollectConfig, manifest: dict, state) -> RunWriter:
    """Process 0 creates the run first; the others join once it exists."""
    def open_one() -> RunWriter:
        return RunWriter(config.out, manifest, resume=config.resume, process_index=state.process_index,
                         num_processes=state.num_processes)

    if state.process_index == 0:
        writer = open_one()
        state.wait_for_everyone()
        return writer
    state.wait_for_everyone()
    return open_one()


def _manifest(config: CollectConfig, facts: ModelFacts, problems) -> dict:
    """The settings that define a run (a resume must match them exactly), and how this machine ran it."""
    model = {"name": facts.spec.name, "kind": facts.spec.kind, "source": facts.spec.source,
             "dtype": facts.dtype, "hidden_size": facts.hidden_size, "num_layers": facts.num_layers,
             "captured_layers": [facts.num_layers, *config.layers]}
    runtime = {"model_dtype": facts.dtype_reason, "metrics_device": placement(config.metrics.device).describe()}
    return {"model": model, **run_settings(config, problems), "runtime": runtime}


def run_settings(config: CollectConfig, problems) -> dict:
    """The manifest's settings other than the model's: known before any model is loaded."""
    kind = {"kind": config.kind} if config.kind else {}
    sampling_share, capture_share = memory_shares(config)
    return {
        **kind,
        "dataset": {"source": problems.source, **problems.origin, "sha256": problems.sha256,
                    "prompts": len(problems.problems),
                    "question_field": problems.question_field, "answer_field": problems.answer_field,
                    "template": config.template},
        "sampling": {"backend": config.backend, **asdict(config.sampling), "seed": config.seed,
                     "seeds": SEED_SCHEME, "batch_size": config.batch_size,
                     "gpu_memory_utilization": sampling_share},
        "capture": {"backend": capture_backend(config), "gpu_memory_utilization": capture_share,
                    "align": config.align, "layers": list(config.layers), "save_hidden": config.save_hidden,
                    "hidden_dtype": config.hidden_dtype if config.save_hidden else None},
        "metrics": config.metrics.numbers(),
    }
