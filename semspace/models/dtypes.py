"""The dtype option: its names, and a cast that leaves rotary tables in float32 as from_pretrained does."""

import torch
from torch import nn

from semspace.errors import InvalidInputError

DTYPES = {"auto": "auto", "float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def parse_dtype(dtype: str) -> torch.dtype | str:
    """The torch dtype for a dtype option; "auto" keeps the checkpoint's stored dtype."""
    if dtype not in DTYPES:
        raise InvalidInputError(f"Unknown dtype {dtype!r}.", f"use one of {', '.join(DTYPES)}.")
    return DTYPES[dtype]


def cast_parameters(model: nn.Module, dtype: torch.dtype) -> nn.Module:
    """Cast weights only: model.to(bfloat16) would also round RoPE's inv_freq buffer and change the logits."""
    for parameter in model.parameters():
        parameter.data = parameter.data.to(dtype)
    return model
