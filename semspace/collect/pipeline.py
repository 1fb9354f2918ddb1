"""prompts → samples → teacher-forced pass → metrics → rows → shards: the `semspace collect` pipeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from semspace.collect.capture import capture, check_alignment, check_layers
from semspace.collect.rows import build_rows
from semspace.collect.sampling import HFSampler, Sampler, SamplingSettings, VLLMSampler
from semspace.data import Problem, build_prompt, load_problems
from semspace.errors import InvalidInputError
from semspace.models import DEFAULT_MODEL, LoadedModel, load_model
from semspace.store import RunWriter

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


@dataclass
class Progress:
    """What a progress bar needs after each batch."""

    prompts_done: int
    prompts_total: int
    responses: int
    tokens: int


@dataclass
class Engine:
    """A loaded model, its sampler and this process's place: what several runs on one model can share."""

    state: object
    loaded: LoadedModel
    sampler: Sampler


def open_engine(config: CollectConfig) -> Engine:
    """Load config.model on this process's device with config.dtype, and the sampler of config.backend."""
    state = _process_state(config.device)
    device = config.device if config.device != "auto" else str(state.device)
    loaded = load_model(config.model, device=device, dtype=config.dtype)
    return Engine(state, loaded, _sampler(config, loaded))


def load_config_problems(config: CollectConfig):
    """The ProblemSet a run of `config` asks: its dataset, limit, field overrides and seed."""
    return load_problems(config.dataset, limit=config.limit, question_field=config.question_field,
                         answer_field=config.answer_field, seed=config.seed)


def run_collect(config: CollectConfig, on_batch: Callable[[Progress], None] | None = None,
                engine: Engine | None = None, on_load: Callable[[LoadedModel], None] | None = None) -> Path:
    """Run (or resume) a collection; returns the run folder. Each process of `accelerate launch` takes a slice.

    `engine` reuses a model opened by open_engine with the same model, device, dtype and backend (eval runs
    several benchmarks on one model); without it the model is loaded here, and `on_load` hears of it.
    """
    config.check()
    problems = load_config_problems(config)
    if engine is None:
        engine = open_engine(config)
        if on_load:
            on_load(engine.loaded)
    state, loaded, sampler = engine.state, engine.loaded, engine.sampler
    check_layers(list(config.layers), loaded.model.config.num_hidden_layers)
    writer = _open_writer(config, _manifest(config, loaded, problems), state)
    todo = [(index, problem) for index, problem in enumerate(problems.problems)
            if index % state.num_processes == state.process_index and problem.prompt_id not in writer.done_prompt_ids]
    mine = sum(1 for index in range(len(problems.problems)) if index % state.num_processes == state.process_index)
    progress = Progress(mine - len(todo), mine, 0, 0)
    with_level = any(problem.level is not None for problem in problems.problems)
    pending: list[dict] = []
    for start in range(0, len(todo), config.batch_size):
        batch = todo[start:start + config.batch_size]
        rows = _collect_batch(config, loaded, sampler, batch, with_level)
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


def _collect_batch(config: CollectConfig, loaded, sampler: Sampler, batch: list[tuple[int, Problem]],
                   with_level: bool) -> list[dict]:
    """Sample one batch of prompts (seed = run seed + index of its first prompt), capture, measure, grade."""
    prompts = [build_prompt(loaded.tokenizer, problem.problem, template=config.template) for _, problem in batch]
    prompt_ids = [loaded.tokenizer(text, add_special_tokens=config.template == "plain")["input_ids"]
                  for text in prompts]
    completions = sampler.sample(prompt_ids, config.sampling, seed=config.seed + batch[0][0])
    flat = [(b, c) for b, group in enumerate(completions) for c in group]
    captures = capture(loaded.model, [prompt_ids[b] for b, _ in flat], [c.token_ids for _, c in flat],
                       align=config.align, layers=config.layers)
    return build_rows(config, loaded.tokenizer, batch, prompts, flat, captures, with_level=with_level)


def _sampler(config: CollectConfig, loaded) -> Sampler:
    if config.backend == "hf":
        return HFSampler(loaded.model, loaded.tokenizer)
    if loaded.spec.kind == "tiny":
        raise InvalidInputError("--backend vllm needs a model folder or hub id; tiny-random lives only in memory.",
                                "Use --backend hf with tiny-random.")
    return VLLMSampler(_model_folder(loaded), dtype=loaded.dtype)


def _model_folder(loaded) -> str:
    """Where vLLM can read the weights: the converted cache copy for the embedded model, else the source."""
    if loaded.spec.kind == "embedded":
        from semspace.models.embedded import copy_dir

        return str(copy_dir())
    return loaded.spec.source


def _process_state(device: str):
    """accelerate's view of this process (rank, world size, device); a plain run is process 0 of 1."""
    import torch
    from accelerate import PartialState

    return PartialState(cpu=device == "cpu" or not torch.cuda.is_available())


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


def _manifest(config: CollectConfig, loaded, problems) -> dict:
    """The settings that define a run; a resume must match them exactly."""
    model_config = loaded.model.config
    model = {"name": loaded.spec.name, "kind": loaded.spec.kind, "source": loaded.spec.source,
             "dtype": loaded.dtype, "hidden_size": model_config.hidden_size,
             "num_layers": model_config.num_hidden_layers,
             "captured_layers": [model_config.num_hidden_layers, *config.layers]}
    return {"model": model, **run_settings(config, problems)}


def run_settings(config: CollectConfig, problems) -> dict:
    """The manifest's settings other than the model's: known before any model is loaded."""
    kind = {"kind": config.kind} if config.kind else {}
    return {
        **kind,
        "dataset": {"source": problems.source, "sha256": problems.sha256, "prompts": len(problems.problems),
                    "question_field": problems.question_field, "answer_field": problems.answer_field,
                    "template": config.template},
        "sampling": {"backend": config.backend, **asdict(config.sampling), "seed": config.seed,
                     "batch_size": config.batch_size},
        "capture": {"align": config.align, "layers": list(config.layers), "save_hidden": config.save_hidden,
                    "hidden_dtype": config.hidden_dtype if config.save_hidden else None},
        "metrics": {"stride": config.stride, "window": config.window, "center": True, "spectrum": "sigma"},
    }
