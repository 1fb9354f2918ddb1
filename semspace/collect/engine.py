"""The engine of a collect run: the tokenizer, a sampler and a capturer over one model, and the facts the
manifest records about that model.

  --backend hf:                          one transformers model samples and captures.
  --backend vllm --capture-backend hf:   vLLM samples; a transformers model captures (and --layers works).
  --backend vllm (capture vllm):         a generating and a pooling vLLM engine; no transformers model is
                                         loaded, only its config, tokenizer and LM-head weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import AutoConfig, AutoTokenizer, GenerationConfig

from semspace.collect.choices import CAPTURE_BACKENDS, DEFAULT_GPU_MEMORY, SAMPLING_SHARE
from semspace.collect.lm_head import load_output_head
from semspace.collect.sampling import HFSampler, Sampler, stop_ids
from semspace.collect.teacher_forced import Capturer, HFCapturer
from semspace.collect.vllm_backend import VLLMCapturer, VLLMSampler, require_vllm
from semspace.errors import InvalidInputError
from semspace.models import LoadedModel, ModelSpec, load_model, resolve_model
from semspace.models.dtypes import DtypeChoice, choose_dtype, parse_dtype
from semspace.models.folder import tokenizer_folder


def capture_backend(config) -> str:
    """The capture backend of a run: the one asked for, by default the sampling backend."""
    return config.backend if config.capture_backend == "auto" else config.capture_backend


def memory_shares(config) -> tuple[float | None, float | None]:
    """The GPU memory fractions of the sampling and the capture engine: None where no vLLM engine runs. With hf
    capture, what the sampling engine leaves is the transformers model's."""
    if config.backend != "vllm":
        return None, None
    total = config.gpu_memory_utilization or DEFAULT_GPU_MEMORY
    sampling = round(total * SAMPLING_SHARE, 4)
    return sampling, round(total - sampling, 4) if capture_backend(config) == "vllm" else None


def check_engine_settings(config) -> None:
    """Refuse backend combinations that cannot run, before any engine starts."""
    if config.capture_backend not in CAPTURE_BACKENDS:
        raise InvalidInputError(f"--capture-backend must be one of {CAPTURE_BACKENDS}.",
                                "Use auto (the sampling backend's), hf or vllm.")
    if capture_backend(config) == "vllm" and config.backend != "vllm":
        raise InvalidInputError("--capture-backend vllm needs --backend vllm.",
                                "Drop --capture-backend: with --backend hf the sampling model captures.")
    if capture_backend(config) == "vllm" and config.layers:
        raise InvalidInputError("--layers needs --capture-backend hf: vLLM's pooling pass gives only the last "
                                "layer.", "Drop --layers, or pass --capture-backend hf.")
    if config.gpu_memory_utilization is not None:
        if config.backend != "vllm":
            raise InvalidInputError("--gpu-memory-utilization applies to --backend vllm only.",
                                    "Drop it, or pass --backend vllm.")
        if not 0 < config.gpu_memory_utilization <= 1:
            raise InvalidInputError("--gpu-memory-utilization must be in (0, 1].", "Pass e.g. 0.9.")


@dataclass(frozen=True)
class ModelFacts:
    """What the manifest records of the model and the start of a run prints, whichever backend holds it."""

    spec: ModelSpec
    dtype: str
    dtype_reason: str
    hidden_size: int
    num_layers: int
    where: str  # "cpu", "cuda:0", or "cuda in vLLM"

    def describe(self) -> str:
        """One line for the start of a run: which model, where, in which dtype and why."""
        why = f" ({self.dtype_reason})" if self.dtype_reason else ""
        return f"model {self.spec.name} on {self.where}, {self.dtype}{why}"


@dataclass
class Engine:
    """What several runs on one model can share: this process's place, the model's facts, its tokenizer, and
    the sampler and capturer the run's backends asked for."""

    state: object
    model: ModelFacts
    tokenizer: object
    sampler: Sampler
    capturer: Capturer


def open_engine(config) -> Engine:
    """Load config.model for its sampling and capture backends on this process's device, in config.dtype."""
    state = process_state(config.device)
    device = config.device if config.device != "auto" else str(state.device)
    if config.backend == "hf":
        loaded = load_model(config.model, device=device, dtype=config.dtype)
        return Engine(state, _facts(loaded), loaded.tokenizer, HFSampler(loaded.model, loaded.tokenizer),
                      HFCapturer(loaded.model))
    require_vllm()
    spec = resolve_model(config.model)
    folder = model_folder(spec)
    if capture_backend(config) == "hf":
        loaded = load_model(config.model, device=device, dtype=config.dtype)
        sampler = _vllm_sampler(config, folder, loaded.dtype, stop_ids(loaded.model.generation_config,
                                                                       loaded.tokenizer))
        return Engine(state, _facts(loaded), loaded.tokenizer, sampler, HFCapturer(loaded.model))
    return _open_vllm(config, state, spec, folder, device)


def _open_vllm(config, state, spec: ModelSpec, folder: Path, device: str) -> Engine:
    """Both passes in vLLM: the model's config, tokenizer and LM head are all that is read outside it."""
    model_config = AutoConfig.from_pretrained(folder)
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_folder(folder))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    choice = _vllm_dtype(config.dtype, model_config, device)
    sampler = _vllm_sampler(config, folder, choice.name, stop_ids(_generation_config(folder, model_config),
                                                                  tokenizer))
    capturer = VLLMCapturer(str(folder), tokenizer_folder=str(tokenizer_folder(folder)), dtype=choice.name,
                            gpu_memory_utilization=memory_shares(config)[1],
                            load_head=lambda: load_output_head(folder, model_config, dtype=choice.dtype,
                                                               device=device))
    facts = ModelFacts(spec, choice.name, choice.reason, model_config.hidden_size, model_config.num_hidden_layers,
                       f"{device} in vLLM")
    return Engine(state, facts, tokenizer, sampler, capturer)


def _vllm_sampler(config, folder: Path, dtype: str, stops: set[int]):
    """The generating engine, in the run's dtype, with its share of the GPU memory."""
    return VLLMSampler(str(folder), tokenizer_folder=str(tokenizer_folder(folder)), dtype=dtype,
                       gpu_memory_utilization=memory_shares(config)[0], stop_ids=stops)


def _generation_config(folder: Path, model_config):
    """The checkpoint's generation config (its eos ids end responses), or the one its model config implies."""
    if (folder / "generation_config.json").is_file():
        return GenerationConfig.from_pretrained(folder)
    return GenerationConfig.from_model_config(model_config)


def _vllm_dtype(requested: str, model_config, device: str) -> DtypeChoice:
    """The dtype `--dtype` means for this checkpoint on this device, decided as load_model decides it."""
    checkpoint = getattr(model_config, "dtype", None) or getattr(model_config, "torch_dtype", None) or torch.float32
    if isinstance(checkpoint, str):
        checkpoint = getattr(torch, checkpoint)
    return choose_dtype(parse_dtype(requested), checkpoint, torch.device(device))


def _facts(loaded: LoadedModel) -> ModelFacts:
    model_config = loaded.model.config
    return ModelFacts(loaded.spec, loaded.dtype, loaded.dtype_reason, model_config.hidden_size,
                      model_config.num_hidden_layers, str(loaded.model.device))


def model_folder(spec: ModelSpec) -> Path:
    """Where vLLM reads the model: the converted copy of the embedded model (made once, by one transformers
    load, if it is not there yet), a local checkpoint, or a hub snapshot."""
    if spec.kind == "tiny":
        raise InvalidInputError("--backend vllm needs a model folder or hub id; tiny-random lives only in memory.",
                                "Use --backend hf with tiny-random.")
    if spec.kind == "embedded":
        from semspace.models.embedded import copy_dir, is_converted, load_smollm2

        if not is_converted():
            load_smollm2(torch.float32, torch.device("cpu"))
        return copy_dir()
    if spec.kind == "hub":
        from semspace.models.hub import snapshot_folder

        return snapshot_folder(spec.source)
    return Path(spec.source)


def process_state(device: str):
    """accelerate's view of this process (rank, world size, device); a plain run is process 0 of 1."""
    from accelerate import PartialState

    return PartialState(cpu=device == "cpu" or not torch.cuda.is_available())
