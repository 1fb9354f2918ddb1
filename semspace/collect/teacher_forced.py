"""The teacher-forced pass (SPEC §1): one forward over prompt + response ids, giving H and token statistics.

This module is the transformers backend of the pass; vllm_backend has the vLLM one, which returns the same
Capture and takes its token statistics through head_token_stats here.

Rows of the last layer after the final norm, by `align`:
  predictive: positions P-1 .. P+T-2, the states that produced each response token (row t pairs with token t);
  token:      positions P .. P+T-1, the state at each response token.
Token log-probs and entropies always come from the predictive rows through the LM head, in row chunks, so a
(T, vocab) float32 tensor is never made whole. Right padding keeps pad positions after every real token, and
they are never read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import torch

from semspace.errors import InvalidInputError
from semspace.metrics import TokenStats, token_statistics

ALIGNMENTS = ("predictive", "token")
LOGIT_ROWS = 256
CPU_BATCH_TOKENS = 2048
ACCELERATOR_BATCH_TOKENS = 16384


@dataclass
class Capture:
    """What the pass gives for one response: H of the last layer, H of extra layers, token statistics, and why the
    token statistics could not be computed (their values are NaN then), if they could not."""

    hidden: torch.Tensor
    tokens: TokenStats
    layers: dict[int, torch.Tensor] = field(default_factory=dict)
    error: str | None = None


class Capturer(Protocol):
    """What the pipeline needs from a capture backend (hf here, vllm in vllm_backend)."""

    def capture(self, prompt_ids: list[list[int]], response_ids: list[list[int]], *, align: str,
                layers: tuple[int, ...]) -> list[Capture]:
        ...


class HFCapturer:
    """The capture pass in a transformers model: the one that sampled, or one loaded for capture."""

    def __init__(self, model):
        self.model = model

    def capture(self, prompt_ids: list[list[int]], response_ids: list[list[int]], *, align: str = "predictive",
                layers: tuple[int, ...] = ()) -> list[Capture]:
        """See `capture`."""
        return capture(self.model, prompt_ids, response_ids, align=align, layers=layers)


def check_alignment(align: str) -> None:
    if align not in ALIGNMENTS:
        raise InvalidInputError(f"--align must be one of {ALIGNMENTS}, got {align!r}.",
                                "Use 'predictive' (the paper's) or 'token'.")


def check_layers(layers: list[int], num_layers: int) -> None:
    """Extra layers are 1-based decoder layer indices below the last (which is always captured)."""
    bad = [layer for layer in layers if not 1 <= layer < num_layers]
    if bad:
        raise InvalidInputError(f"--layers {bad} is outside 1..{num_layers - 1} for this {num_layers}-layer model.",
                                "Name decoder layers by 1-based index; the last layer is always captured.")


def row_slice(prompt_len: int, response_len: int, align: str) -> slice:
    """Positions of H's rows in the prompt + response sequence."""
    start = prompt_len - 1 if align == "predictive" else prompt_len
    return slice(start, start + response_len)


def capture(model, prompt_ids: list[list[int]], response_ids: list[list[int]], *, align: str = "predictive",
            layers: tuple[int, ...] = (), max_batch_tokens: int | None = None) -> list[Capture]:
    """Teacher-forced pass over each prompt + response pair, in the given order.

    Sequences run in micro-batches of similar length (about max_batch_tokens padded tokens each; by default
    2048 on CPU, where small batches lose nothing, and 16384 on accelerators), so little compute goes to padding.
    """
    check_alignment(align)
    check_layers(list(layers), model.config.num_hidden_layers)
    budget = max_batch_tokens or (CPU_BATCH_TOKENS if model.device.type == "cpu" else ACCELERATOR_BATCH_TOKENS)
    captures: list[Capture | None] = [None] * len(prompt_ids)
    for batch in _micro_batches([len(p) + len(r) for p, r in zip(prompt_ids, response_ids)], budget):
        results = _capture_batch(model, [prompt_ids[i] for i in batch], [response_ids[i] for i in batch], align,
                                 layers)
        for i, result in zip(batch, results):
            captures[i] = result
    return captures


def _micro_batches(lengths: list[int], max_batch_tokens: int) -> list[list[int]]:
    """Index groups, shortest sequences first, whose padded size (rows x longest) stays within the budget."""
    batches: list[list[int]] = [[]]
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        if batches[-1] and lengths[i] * (len(batches[-1]) + 1) > max_batch_tokens:
            batches.append([])
        batches[-1].append(i)
    return [batch for batch in batches if batch]


def _capture_batch(model, prompts, responses, align: str, layers: tuple[int, ...]) -> list[Capture]:
    device = model.device
    sequences = [p + r for p, r in zip(prompts, responses)]
    width = max(len(s) for s in sequences)
    input_ids = torch.zeros((len(sequences), width), dtype=torch.long)
    attention_mask = torch.zeros_like(input_ids)
    for row, ids in enumerate(sequences):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        attention_mask[row, : len(ids)] = 1
    with torch.inference_mode():
        output = model.base_model(input_ids=input_ids.to(device), attention_mask=attention_mask.to(device),
                                  output_hidden_states=bool(layers), use_cache=False)
        last = output.last_hidden_state
        results = []
        for row, (prompt, response) in enumerate(zip(prompts, responses)):
            predictive = last[row, row_slice(len(prompt), len(response), "predictive")]
            tokens, error = token_stats_or_nan(_token_stats, model, predictive, torch.tensor(response, device=device),
                                               length=len(response))
            rows = row_slice(len(prompt), len(response), align)
            extra = {layer: output.hidden_states[layer][row, rows].cpu() for layer in layers}
            results.append(Capture(hidden=last[row, rows].cpu(), tokens=tokens, layers=extra, error=error))
    return results


def token_stats_or_nan(compute: Callable[..., TokenStats], *args, length: int) -> tuple[TokenStats, str | None]:
    """compute(*args)'s token statistics of `length` tokens, or NaN ones and the reason when the logits overflowed
    (so one response, not the run, is lost)."""
    try:
        return compute(*args), None
    except InvalidInputError as error:
        nan = np.full(length, np.nan)
        return TokenStats(nan, nan, nan), f"token statistics: {error.cause}"


def _token_stats(model, predictive_rows: torch.Tensor, token_ids: torch.Tensor) -> TokenStats:
    """Token statistics through the model's own LM head (and logit softcap, where the model has one)."""
    head = model.get_output_embeddings()
    softcap = getattr(model.config, "final_logit_softcapping", None)
    return head_token_stats(predictive_rows, token_ids, head.weight, head.bias, softcap)


def head_token_stats(predictive_rows: torch.Tensor, token_ids: torch.Tensor, weight: torch.Tensor,
                     bias: torch.Tensor | None = None, softcap: float | None = None) -> TokenStats:
    """Token entropy, log-prob and top-1 probability from an LM head's weight, LOGIT_ROWS rows at a time."""
    parts = []
    for start in range(0, predictive_rows.shape[0], LOGIT_ROWS):
        logits = torch.nn.functional.linear(predictive_rows[start:start + LOGIT_ROWS], weight, bias)
        if softcap:
            logits = torch.tanh(logits / softcap) * softcap
        parts.append(token_statistics(logits, token_ids[start:start + LOGIT_ROWS], chunk_rows=LOGIT_ROWS))
    return TokenStats(*(_concat([getattr(p, name) for p in parts]) for name in ("entropy", "logprob", "top1_prob")))


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0)
