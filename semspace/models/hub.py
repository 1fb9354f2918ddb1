"""Hugging Face Hub models: load from the local cache without the network; fail at once when offline."""

import os
from pathlib import Path

import torch
from huggingface_hub import snapshot_download, try_to_load_from_cache
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from semspace.errors import ModelNotAvailableError
from semspace.models.folder import load_folder

TRUE_VALUES = {"1", "ON", "YES", "TRUE"}
SNAPSHOT_FILES = ["*.json", "*.safetensors", "*.txt", "*.model", "*.jinja"]


def hub_offline() -> bool:
    """HF_HUB_OFFLINE read now (huggingface_hub reads it once at import, which tests cannot change later)."""
    return os.environ.get("HF_HUB_OFFLINE", "").upper() in TRUE_VALUES


def cached_snapshot(repo_id: str) -> Path | None:
    """The cached snapshot folder of `repo_id` if its config.json is in the local HF cache; no network."""
    config = try_to_load_from_cache(repo_id, "config.json")
    return Path(config).parent if isinstance(config, str) else None


def download_fix(repo_id: str) -> str:
    """How to get a hub model onto a machine that cannot download it."""
    return f"run `hf download {repo_id}` with network (then copy the HF cache here), or pass a local folder."


def offline_error(repo_id: str) -> ModelNotAvailableError:
    """What to say when a hub model is needed, not cached, and the hub may not be asked."""
    return ModelNotAvailableError(
        f"Model {repo_id} is not in the local Hugging Face cache and HF_HUB_OFFLINE is set.",
        download_fix(repo_id),
    )


def snapshot_folder(repo_id: str) -> Path:
    """The model's files on disk, for engines that read a folder (vLLM): the cached snapshot, else a download
    of config, tokenizer and safetensors weights, unless offline."""
    snapshot = cached_snapshot(repo_id)
    if snapshot is not None:
        return snapshot
    if hub_offline():
        raise offline_error(repo_id)
    try:
        return Path(snapshot_download(repo_id, allow_patterns=SNAPSHOT_FILES))
    except OSError as error:
        raise ModelNotAvailableError(
            f"Could not download {repo_id}: {str(error).splitlines()[0]}", download_fix(repo_id)
        ) from error


def load_hub(
    repo_id: str, dtype: torch.dtype | str, device: torch.device
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """A cached snapshot loads from disk; else download, unless offline, which fails before any request."""
    snapshot = cached_snapshot(repo_id)
    if snapshot is not None:
        return load_folder(snapshot, dtype, device)
    if hub_offline():
        raise offline_error(repo_id)
    try:
        model = AutoModelForCausalLM.from_pretrained(repo_id, dtype=dtype, device_map=device)
        tokenizer = AutoTokenizer.from_pretrained(repo_id)
    except OSError as error:
        raise ModelNotAvailableError(
            f"Could not download {repo_id}: {str(error).splitlines()[0]}", download_fix(repo_id)
        ) from error
    return model, tokenizer
