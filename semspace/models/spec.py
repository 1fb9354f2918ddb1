"""What a model name means (ModelSpec), what loading returns (LoadedModel), what a listing shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase


@dataclass(frozen=True)
class ModelSpec:
    """A resolved model name: `kind` picks the loader; `source` is the hub id, folder or GGUF it reads."""

    name: str
    kind: str  # "embedded" | "tiny" | "hub" | "local"
    source: str
    description: str = ""


@dataclass
class LoadedModel:
    """A causal LM in eval mode, its tokenizer (pad token set) and where it came from, for run manifests."""

    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    spec: ModelSpec
    dtype: str
    dtype_reason: str = ""

    def describe(self) -> str:
        """One line for the start of a run: which model, on which device, in which dtype and why."""
        why = f" ({self.dtype_reason})" if self.dtype_reason else ""
        return f"model {self.spec.name} on {self.model.device}, {self.dtype}{why}"


@dataclass(frozen=True)
class ModelStatus:
    """One row of `semspace models`: whether a known model can be loaded on this machine, and why not."""

    name: str
    kind: str
    source: str
    available: bool
    detail: str
