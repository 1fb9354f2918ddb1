"""The LM head of a checkpoint, read alone: what token statistics need when no transformers model is loaded.

A model skeleton on the meta device (no memory, no weights read) names the head's parameters for any
architecture transformers knows; with tied embeddings the head is the input embedding, so either name will do.
Only those tensors are read from the safetensors files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch

from semspace.collect.teacher_forced import head_token_stats
from semspace.errors import ModelNotAvailableError
from semspace.metrics import TokenStats

SINGLE_FILE = "model.safetensors"
INDEX_FILE = "model.safetensors.index.json"


@dataclass(frozen=True)
class OutputHead:
    """The head's weight (and bias, rarely) on the device and in the dtype the run uses, and its logit softcap."""

    weight: torch.Tensor
    bias: torch.Tensor | None
    softcap: float | None

    def token_stats(self, predictive_rows: torch.Tensor, token_ids: list[int]) -> TokenStats:
        """Token statistics of one response from the rows that predicted its tokens."""
        rows = predictive_rows.to(device=self.weight.device, dtype=self.weight.dtype)
        return head_token_stats(rows, torch.tensor(token_ids, device=self.weight.device), self.weight, self.bias,
                                self.softcap)


def load_output_head(folder: Path, config, *, dtype: torch.dtype, device: str | torch.device) -> OutputHead:
    """Read the LM head of the checkpoint in `folder` (whose config is `config`) onto `device` as `dtype`."""
    weight_names, bias_names = _head_parameter_names(config)
    files = _tensor_files(Path(folder))
    weight = _read_first(files, weight_names, folder).to(device=device, dtype=dtype)
    bias = _read_first(files, bias_names, folder).to(device=device, dtype=dtype) if bias_names else None
    return OutputHead(weight, bias, getattr(config, "final_logit_softcapping", None))


def _head_parameter_names(config) -> tuple[list[str], list[str]]:
    """Every name the head's weight (and bias) goes by in this architecture, tied names included."""
    from transformers import AutoModelForCausalLM

    with torch.device("meta"):
        skeleton = AutoModelForCausalLM.from_config(config)
    head = skeleton.get_output_embeddings()
    parameters = list(skeleton.named_parameters(remove_duplicate=False))
    weight_names = [name for name, parameter in parameters if parameter is head.weight]
    bias_names = [name for name, parameter in parameters if head.bias is not None and parameter is head.bias]
    return weight_names, bias_names


def _tensor_files(folder: Path) -> dict[str, Path]:
    """Which safetensors file holds each tensor name of the checkpoint in `folder`."""
    from safetensors import safe_open

    if (folder / INDEX_FILE).is_file():
        weight_map = json.loads((folder / INDEX_FILE).read_text(encoding="utf-8"))["weight_map"]
        return {name: folder / file for name, file in weight_map.items()}
    if (folder / SINGLE_FILE).is_file():
        with safe_open(folder / SINGLE_FILE, framework="pt") as handle:
            return {name: folder / SINGLE_FILE for name in handle.keys()}
    raise ModelNotAvailableError(f"{folder} has no safetensors weights ({SINGLE_FILE} or {INDEX_FILE}); vLLM "
                                 "capture reads the LM head from them.",
                                 "Re-save the model with save_pretrained (safetensors), or use --capture-backend hf.")


def _read_first(files: dict[str, Path], names: list[str], folder: Path) -> torch.Tensor:
    """The first of `names` the checkpoint holds."""
    from safetensors import safe_open

    for name in names:
        if name in files:
            with safe_open(files[name], framework="pt") as handle:
                return handle.get_tensor(name)
    raise ModelNotAvailableError(f"The checkpoint in {folder} holds none of {names}, the LM head this "
                                 "architecture names.", "Use --capture-backend hf for this model.")
