"""Token-level baselines (SPEC §4): entropy, log-prob and top-1 probability of each sampled token, and their means.

Every function takes logits or log-probs of shape (T, vocab) in any float dtype (log_softmax of log-probs is
the identity, so both give the same numbers). Rows are processed in chunks, so a (T, vocab) float32 copy of a
150k-token vocabulary is never made whole; the chunked API lets a caller feed lm_head outputs chunk by chunk.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch

from semspace.errors import InvalidInputError

CHUNK_ROWS = 256


@dataclass(frozen=True)
class TokenStats:
    """Per-token entropy (nats), log-prob of the given token, and top-1 probability, each of shape (T,)."""

    entropy: np.ndarray
    logprob: np.ndarray
    top1_prob: np.ndarray

    @property
    def mean_entropy(self) -> float:
        """Mean token entropy of the response (NaN when empty)."""
        return _mean(self.entropy)

    @property
    def mean_logprob(self) -> float:
        """The paper's "Avg Log Probs" (NaN when empty)."""
        return _mean(self.logprob)

    @property
    def perplexity(self) -> float:
        """exp(-mean log-prob)."""
        return math.exp(-self.mean_logprob) if self.logprob.size else math.nan

    @property
    def mean_top1_prob(self) -> float:
        """Mean probability of the most likely token (confidence)."""
        return _mean(self.top1_prob)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else math.nan


def _as_logits(logits) -> torch.Tensor:
    """A 2-D tensor view of logits without copying or up-casting the whole thing."""
    tensor = logits if isinstance(logits, torch.Tensor) else torch.as_tensor(np.asarray(logits))
    if tensor.ndim != 2:
        raise InvalidInputError(f"logits have shape {tuple(tensor.shape)}, expected (tokens, vocab).",
                                "Pass one response's logits at a time.")
    return tensor.detach()


def _chunk_stats(chunk: torch.Tensor, ids: torch.Tensor | None) -> tuple[torch.Tensor, ...]:
    """Entropy, log-prob of ids, top-1 prob of one float32 chunk of rows.

    A logit of -inf is a masked token (probability 0, no share of the entropy); NaN and +inf are overflow.
    """
    values = chunk.float()
    if torch.isnan(values).any() or torch.isposinf(values).any():
        raise InvalidInputError("logits contain NaN or +inf.", "Check the model's dtype (fp16 overflow is common).")
    if torch.isneginf(values).all(dim=-1).any():
        raise InvalidInputError("a row of logits is -inf everywhere: no token is possible.",
                                "Check the logits processor or mask that produced them.")
    logp = torch.log_softmax(values, dim=-1)
    probs = logp.exp()
    entropy = -torch.where(probs > 0, probs * logp, torch.zeros_like(probs)).sum(dim=-1)
    top1 = probs.amax(dim=-1)
    logprob = logp.gather(-1, ids.unsqueeze(-1)).squeeze(-1) if ids is not None else torch.full_like(top1, math.nan)
    return entropy, logprob, top1


def token_statistics(logits, token_ids=None, *, chunk_rows: int = CHUNK_ROWS) -> TokenStats:
    """Per-token entropy, log-prob of `token_ids` (row t scores token t) and top-1 probability, in one pass."""
    tensor = _as_logits(logits)
    ids = None
    if token_ids is not None:
        ids = torch.as_tensor(np.asarray(token_ids.cpu() if isinstance(token_ids, torch.Tensor) else token_ids),
                              dtype=torch.long).to(tensor.device)
        if ids.shape != (tensor.shape[0],):
            raise InvalidInputError(f"{ids.numel()} token ids for {tensor.shape[0]} rows of logits.",
                                    "Pass exactly one token id per row (row t predicts token t).")
        if ids.numel() and (ids.min() < 0 or ids.max() >= tensor.shape[1]):
            raise InvalidInputError("token ids fall outside the vocabulary of the logits.", "Check the tokenizer.")
    parts = [_chunk_stats(tensor[start:start + chunk_rows], None if ids is None else ids[start:start + chunk_rows])
             for start in range(0, tensor.shape[0], chunk_rows)]
    if not parts:
        empty = np.zeros(0, dtype=np.float64)
        return TokenStats(empty, empty, empty)
    entropy, logprob, top1 = (torch.cat(column).double().cpu().numpy() for column in zip(*parts))
    return TokenStats(entropy=entropy, logprob=logprob, top1_prob=top1)


def token_entropy(logits, *, chunk_rows: int = CHUNK_ROWS) -> np.ndarray:
    """Entropy (nats) of the full next-token distribution at each row."""
    return token_statistics(logits, chunk_rows=chunk_rows).entropy


def token_logprob(logits, token_ids, *, chunk_rows: int = CHUNK_ROWS) -> np.ndarray:
    """Log-probability of token_ids[t] under row t's distribution."""
    return token_statistics(logits, token_ids, chunk_rows=chunk_rows).logprob


def perplexity(token_logprobs) -> float:
    """exp(-mean log-prob) of a response's tokens; NaN when empty."""
    values = np.asarray(token_logprobs, dtype=np.float64)
    return math.exp(-values.mean()) if values.size else math.nan


def response_entropy(token_ids) -> float:
    """Shannon entropy (nats) of the response's unigram token frequencies (the paper's Fig. 1(a) x-axis)."""
    counts = np.array(list(Counter(np.asarray(token_ids).tolist()).values()), dtype=np.float64)
    if counts.size == 0:
        return math.nan
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())
