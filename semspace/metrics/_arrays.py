"""Turning user arrays (torch or numpy, any float dtype) into validated float64 tensors."""

from __future__ import annotations

import numpy as np
import torch

from semspace.errors import InvalidInputError


def row_count_and_width(H) -> tuple[int, int]:
    """(T, d) of a response without converting it; 1-D or scalar input counts as one row."""
    shape = tuple(H.shape) if hasattr(H, "shape") else np.shape(H)
    return (int(shape[0]) if shape else 1, int(np.prod(shape[1:])) if len(shape) > 1 else 1)


def as_float64_matrix(H, *, name: str = "the response", device: torch.device | str = "cpu") -> torch.Tensor:
    """Return H as a (T, d) float64 tensor on `device`, refusing NaN/inf and wrong shapes with a message naming
    `name`."""
    if isinstance(H, torch.Tensor):
        matrix = H.detach().to(device=device, dtype=torch.float64)
    else:
        matrix = torch.as_tensor(np.asarray(H, dtype=np.float64)).to(device)
    if matrix.ndim != 2:
        raise InvalidInputError(
            f"Hidden states of {name} have shape {tuple(matrix.shape)}, expected (tokens, hidden_size).",
            "Pass one response at a time as a 2-D array; use the *_batch functions for many.",
        )
    if not torch.isfinite(matrix).all():
        bad_rows = (~torch.isfinite(matrix)).any(dim=1).nonzero().flatten().tolist()
        raise InvalidInputError(
            f"Hidden states of {name} contain NaN or inf (rows {bad_rows[:5]}{'...' if len(bad_rows) > 5 else ''}).",
            "Check the model's dtype (fp16 overflow is common) or drop that response.",
        )
    return matrix


def as_float64_vector(values, *, name: str) -> torch.Tensor:
    """Return a 1-D float64 tensor, refusing NaN/inf."""
    vector = torch.as_tensor(np.asarray(values.detach().cpu() if isinstance(values, torch.Tensor) else values,
                                        dtype=np.float64))
    if vector.ndim != 1:
        raise InvalidInputError(f"{name} has shape {tuple(vector.shape)}, expected a 1-D array.", "Flatten it first.")
    if not torch.isfinite(vector).all():
        raise InvalidInputError(f"{name} contains NaN or inf.", "Drop the non-finite entries first.")
    return vector


def check_positive_int(value, *, name: str, allow_none: bool = False) -> None:
    """Refuse a stride or window that is not a positive integer."""
    if value is None and allow_none:
        return
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise InvalidInputError(f"{name} must be a positive integer, got {value!r}.", f"Pass {name} >= 1.")
