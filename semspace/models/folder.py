"""Loading a saved model folder (save_pretrained output, a training run's checkpoint, a hub snapshot)."""

from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from semspace.errors import ModelNotAvailableError
from semspace.layout import checkpoint_step

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "tokenizer.model")


def find_checkpoint(folder: Path) -> Path:
    """The folder itself if it holds config.json, else a training run's latest `checkpoint-N` that does."""
    if not folder.is_dir():
        raise ModelNotAvailableError(
            f"Model folder {folder} does not exist.", "check the path, or pass a hub id."
        )
    if (folder / "config.json").is_file():
        return folder
    checkpoints = [path for path in folder.glob("checkpoint-*") if (path / "config.json").is_file()]
    if checkpoints:
        return max(checkpoints, key=lambda path: checkpoint_step(path) or -1)
    raise ModelNotAvailableError(
        f"Model folder {folder} has no config.json (nor a checkpoint-N folder with one).",
        "pass a folder written by save_pretrained (config.json plus weights) or a training run's checkpoint.",
    )


def tokenizer_folder(checkpoint: Path) -> Path:
    """The checkpoint if it holds a tokenizer, else the run folder above it (trainers may save it there)."""
    for folder in (checkpoint, checkpoint.parent):
        if any((folder / name).is_file() for name in TOKENIZER_FILES):
            return folder
    raise ModelNotAvailableError(
        f"Model folder {checkpoint} has no tokenizer ({', '.join(TOKENIZER_FILES)}), nor has its parent.",
        "save the tokenizer next to the model with tokenizer.save_pretrained(folder).",
    )


def load_folder(
    folder: Path, dtype: torch.dtype | str, device: torch.device
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Read model and tokenizer from disk only; a broken folder becomes a user error."""
    checkpoint = find_checkpoint(folder)
    tokenizer_dir = tokenizer_folder(checkpoint)
    try:
        model = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=dtype, device_map=device)
        tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    except (OSError, ValueError) as error:
        raise ModelNotAvailableError(
            f"Could not load the model in {checkpoint}: {str(error).splitlines()[0]}",
            "check that the folder holds complete weights (re-save or re-download it).",
        ) from error
    return model, tokenizer
