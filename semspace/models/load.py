"""load_model: any model name to a LoadedModel on the asked device and dtype; tiny_random for tests."""

from pathlib import Path

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from semspace.errors import InvalidInputError
from semspace.models.dtypes import cast_parameters, choose_dtype, parse_dtype
from semspace.models.embedded import load_smollm2
from semspace.models.folder import load_folder
from semspace.models.hub import load_hub
from semspace.models.resolve import resolve_model, tiny_spec
from semspace.models.spec import LoadedModel, ModelSpec
from semspace.models.tiny import build_tiny_random


def _parse_device(device: str) -> torch.device:
    """A device torch can allocate on here, checked before any weights are read."""
    try:
        target = torch.device(device)
        torch.empty(0, device=target)
    except (RuntimeError, AssertionError) as error:
        raise InvalidInputError(
            f"Device {device!r} is not usable here: {str(error).splitlines()[0]}",
            "use cpu, or a device torch sees.",
        ) from error
    return target


def _finish(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    spec: ModelSpec,
    dtype: torch.dtype | str,
    device: torch.device,
) -> LoadedModel:
    """Cast (for "auto", to what this device runs natively), move, switch to eval, and give the tokenizer a pad
    token (batched generation needs one)."""
    choice = choose_dtype(dtype, model.dtype, device)
    if model.dtype != choice.dtype:
        model = cast_parameters(model, choice.dtype)
    model = model.to(device).eval()
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if model.generation_config.pad_token_id is None:
        model.generation_config.pad_token_id = tokenizer.pad_token_id
    return LoadedModel(model, tokenizer, spec, choice.name, choice.reason)


def load_model(name: str, *, device: str = "cpu", dtype: str = "auto") -> LoadedModel:
    """Resolve `name` and load it; raises ModelNotAvailableError with a fix when it cannot be had here."""
    torch_dtype, target = parse_dtype(dtype), _parse_device(device)
    spec = resolve_model(name)
    if spec.kind == "tiny":
        model, tokenizer = build_tiny_random(seed=0)
    elif spec.kind == "embedded":
        model, tokenizer = load_smollm2(torch_dtype, target)
    elif spec.kind == "hub":
        model, tokenizer = load_hub(spec.source, torch_dtype, target)
    else:
        model, tokenizer = load_folder(Path(spec.source), torch_dtype, target)
    return _finish(model, tokenizer, spec, torch_dtype, target)


def tiny_random(seed: int = 0, *, device: str = "cpu", dtype: str = "auto") -> LoadedModel:
    """The 2-layer random Qwen2 with its small tokenizer; the same seed always gives the same weights."""
    torch_dtype, target = parse_dtype(dtype), _parse_device(device)
    model, tokenizer = build_tiny_random(seed)
    return _finish(model, tokenizer, tiny_spec(seed), torch_dtype, target)
