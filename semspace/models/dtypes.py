"""The dtype option: its names, what `auto` picks on this hardware, and a cast that leaves rotary tables in float32.

`auto` runs a model in its checkpoint's dtype, except on a CPU that has no instructions for that dtype: there
bfloat16 and float16 are emulated, about 3x slower than float32 (SmolLM2-135M generate on a 2-core AVX2 EPYC:
float32 134-153 tok/s, bfloat16 48-50), so `auto` runs in float32. Upcasting bf16/fp16 weights is exact.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass

import torch
from torch import nn

from semspace.errors import InvalidInputError

DTYPES = {"auto": "auto", "float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
X86 = ("x86_64", "amd64", "i386", "i686")


@dataclass(frozen=True)
class DtypeChoice:
    """The dtype a model runs in and, for `auto`, why (printed at start; the manifest records the dtype)."""

    dtype: torch.dtype
    reason: str

    @property
    def name(self) -> str:
        """The dtype's name as the manifest stores it, e.g. "float32"."""
        return dtype_name(self.dtype)


def dtype_name(dtype: torch.dtype) -> str:
    """torch.bfloat16 -> "bfloat16"."""
    return str(dtype).removeprefix("torch.")


def parse_dtype(dtype: str) -> torch.dtype | str:
    """The torch dtype for a dtype option; "auto" is decided once the checkpoint's dtype is known."""
    if dtype not in DTYPES:
        raise InvalidInputError(f"Unknown dtype {dtype!r}.", f"use one of {', '.join(DTYPES)}.")
    return DTYPES[dtype]


def _torch_says(module, name: str) -> bool:
    """A private capability probe of torch, False where this torch build lacks it (so `auto` falls back safely)."""
    probe = getattr(module, name, None)
    try:
        return bool(probe()) if probe is not None else False
    except RuntimeError:
        return False


def cpu_runs_natively(dtype: torch.dtype) -> bool:
    """Whether this CPU has arithmetic instructions for `dtype`, as torch sees it.

    Torch's own limits count: ATEN_CPU_CAPABILITY=avx2 or ONEDNN_MAX_CPU_ISA=AVX2 make an AVX-512 CPU answer
    as an AVX2 one, as its kernels then run.
    """
    if dtype == torch.float32:
        return True
    if dtype == torch.bfloat16:
        onednn = _torch_says(torch.ops.mkldnn, "_is_mkldnn_bf16_supported")
        if platform.machine().lower() not in X86:
            return onednn  # ARM: true with the BF16 extension
        wide = torch.backends.cpu.get_cpu_capability() == "AVX512"
        instructions = _torch_says(torch.cpu, "_is_avx512_bf16_supported") or \
            _torch_says(torch.cpu, "_is_amx_tile_supported")
        return onednn and wide and instructions
    if dtype == torch.float16:
        return _torch_says(torch.ops.mkldnn, "_is_mkldnn_fp16_supported")  # AVX512-FP16 / AMX-FP16 / ARM FP16
    return False


def choose_dtype(requested: torch.dtype | str, checkpoint: torch.dtype, device: torch.device) -> DtypeChoice:
    """What to run in: the requested dtype, or for "auto" the checkpoint's unless a CPU would emulate it."""
    if requested != "auto":
        return DtypeChoice(requested, "as asked with --dtype")
    if device.type != "cpu":
        return DtypeChoice(checkpoint, f"auto: the checkpoint's dtype on {device.type}")
    if cpu_runs_natively(checkpoint):
        return DtypeChoice(checkpoint, "auto: the checkpoint's dtype, native on this CPU")
    return DtypeChoice(torch.float32, f"auto: the checkpoint is {dtype_name(checkpoint)}, which this CPU only "
                                      "emulates; float32 is exact and about 3x faster")


def cast_parameters(model: nn.Module, dtype: torch.dtype) -> nn.Module:
    """Cast weights only: model.to(bfloat16) would also round RoPE's inv_freq buffer and change the logits."""
    for parameter in model.parameters():
        parameter.data = parameter.data.to(dtype)
    return model
