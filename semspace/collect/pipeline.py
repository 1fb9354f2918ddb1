"""prompts → samples → teacher-forced pass → metrics → rows → shards: the `semspace collect` pipeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from semspace.collect.capture import check_alignment, check_layers
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
from semspace.data import Problem, build_prompt, load_problems
from semspace.errors import InvalidInputError
from semspace.models import DEFAULT_MODEL
from semspace.store import RunWriter, read_manifest
from semspace.store.manifest import MANIFEST

BACKENDS = ("hf", "vllm")
HIDDEN_DTYPES = ("float16", "float32")


@dataclass
class CollectConfig:
    """Everything a collect run depends on; defaults are the paper's analysis setting (SPEC §3: stride 1)."""

    out: Path
    model: str = DEFAULT_MODEL
    dataset: str = "arithmetic"
    sampling: SamplingSettings = field(default_factory=SamplingSettings)
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
    stride: int = 1
    window: int | None = 512
    backend: str = "hf"
    capture_backend: str = "auto"  # auto: the sampling backend's
    gpu_memory_utilization: float | None = None  # both vLLM engines together; None: engine.DEFAULT_GPU_MEMORY
    resume: bool = False
    device: str = "auto"
    dtype: str = "auto"
    prompts_per_shard: int = 16
    kind: str | None = None  # what made the run, recorded in the manifest when set ("eval" for eval sub-runs)

    def check(self) -> None:
        """Refuse bad settings before anything is loaded or written."""
        check_alignment(self.align)
        for name in ("batch_size", "stride", "prompts_per_shard"):
            if getattr(self, name) < 1:
                raise InvalidInputError(f"--{name.replace('_', '-')} must be at least 1.", "Pass a positive value.")
        if self.window is not None and self.window < 1:
            raise InvalidInputError("--window must be at least 1.", "Pass a positive window, or 0 for none.")
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
class Progress:
    """What a progress bar needs after each batch."""

    prompts_done: int
    prompts_total: int
    responses: int
    tokens: int


def load_config_problems(config: CollectConfig):
    """The ProblemSet a run of `config` asks: its dataset, limit, field overrides and seed."""
    return load_problems(config.dataset, limit=config.limit, question_field=config.question_field,
                         answer_field=config.answer_field, seed=config.seed)


def run_collect(config: CollectConfig, on_batch: Callable[[Progress], None] | None = None,
                engine: Engine | None = None, on_load: Callable[[ModelFacts], None] | None = None) -> Path:
    """Run (or resume) a collection; returns the run folder. Each process of `accelerate launch` takes a slice.

    `engine` reuses a model opened by open_engine with the same model, device, dtype and backend (eval runs
    several benchmarks on one model); without it the model is loaded here, and `on_load` hears of it.
    """
    config.check()
    problems = load_config_problems(config)
    check_seed_space(config.seed, len(problems.problems), config.sampling.n)
    if config.resume and (Path(config.out) / MANIFEST).is_file():
        check_resumable_seeds(read_manifest(config.out))
    opened_here = engine is None
    engine = engine or open_engine(config)
    check_layers(list(config.layers), engine.model.num_layers)
    if opened_here and on_load:
        on_load(engine.model)
    state = engine.state
    writer = _open_writer(config, _manifest(config, engine.model, problems), state)
    todo = [(index, problem) for index, problem in enumerate(problems.problems)
            if index % state.num_processes == state.process_index and problem.prompt_id not in writer.done_prompt_ids]
    mine = sum(1 for index in range(len(problems.problems)) if index % state.num_processes == state.process_index)
    progress = Progress(mine - len(todo), mine, 0, 0)
    with_level = any(problem.level is not None for problem in problems.problems)
    pending: list[dict] = []
    for start in range(0, len(todo), config.batch_size):
        batch = todo[start:start + config.batch_size]
        rows = _collect_batch(config, engine, batch, with_level)
        pending.extend(rows)
        progress.prompts_done += len(batch)
        progress.responses += len(rows)
        progress.tokens += sum(row["n_tokens"] for row in rows)
        if len({row["prompt_id"] for row in pending}) >= config.prompts_per_shard:
            writer.write_shard(pending)
            pending = []
        if on_batch:
            on_batch(progress)
    if pending:
        writer.write_shard(pending)
    state.wait_for_everyone()
    writer.finish()
    return config.out


def _collect_batch(config: CollectConfig, engine: Engine, batch: list[tuple[int, Problem]],
                   with_level: bool) -> list[dict]:
    """Sample one batch of prompts (seeds from the run seed and prompt indices), capture, measure, grade."""
    tokenizer = engine.tokenizer
    prompts = [build_prompt(tokenizer, problem.problem, template=config.template) for _, problem in batch]
    prompt_ids = [tokenizer(text, add_special_tokens=config.template == "plain")["input_ids"] for text in prompts]
    completions = engine.sampler.sample(prompt_ids, config.sampling, run_seed=config.seed,
                                        prompt_indices=[index for index, _ in batch])
    flat = [(b, c) for b, group in enumerate(completions) for c in group]
    captures = engine.capturer.capture([prompt_ids[b] for b, _ in flat], [c.token_ids for _, c in flat],
                                       align=config.align, layers=config.layers)
    return build_rows(config, tokenizer, batch, prompts, flat, captures, with_level=with_level)


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
    """The settings that define a run; a resume must match them exactly."""
    model = {"name": facts.spec.name, "kind": facts.spec.kind, "source": facts.spec.source,
             "dtype": facts.dtype, "hidden_size": facts.hidden_size, "num_layers": facts.num_layers,
             "captured_layers": [facts.num_layers, *config.layers]}
    return {"model": model, **run_settings(config, problems)}


def run_settings(config: CollectConfig, problems) -> dict:
    """The manifest's settings other than the model's: known before any model is loaded."""
    kind = {"kind": config.kind} if config.kind else {}
    sampling_share, capture_share = memory_shares(config)
    return {
        **kind,
        "dataset": {"source": problems.source, "sha256": problems.sha256, "prompts": len(problems.problems),
                    "question_field": problems.question_field, "answer_field": problems.answer_field,
                    "template": config.template},
        "sampling": {"backend": config.backend, **asdict(config.sampling), "seed": config.seed,
                     "seeds": SEED_SCHEME, "batch_size": config.batch_size,
                     "gpu_memory_utilization": sampling_share},
        "capture": {"backend": capture_backend(config), "gpu_memory_utilization": capture_share,
                    "align": config.align, "layers": list(config.layers), "save_hidden": config.save_hidden,
                    "hidden_dtype": config.hidden_dtype if config.save_hidden else None},
        "metrics": {"stride": config.stride, "window": config.window, "center": True, "spectrum": "sigma"},
    }
