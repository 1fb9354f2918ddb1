"""Axis labels with units for the columns of a run, so every figure says what it plots and in what."""

from __future__ import annotations

import re

LABELS = {
    "er": "Effective Rank ER (effective directions)",
    "erv": "ER velocity ERV (directions per prefix step)",
    "era": "ER acceleration ERA (directions per prefix step²)",
    "trad_rank": "Traditional rank (directions)",
    "matrix_entropy": "Matrix entropy (nats)",
    "curvature": "Curvature (radians)",
    "mean_token_entropy": "Mean token entropy (nats)",
    "mean_logprob": "Avg log-prob of sampled tokens (nats)",
    "perplexity": "Perplexity (tokens)",
    "mean_top1_prob": "Mean top-1 probability (0–1)",
    "response_entropy": "Response entropy, unigram (nats)",
    "n_tokens": "Response length (tokens)",
    "reward": "Reward (score)",
    "correct": "Correct (0 = no, 1 = yes)",
}
_LAYER = re.compile(r"(er|erv|era)_l(\d+)")


def axis_label(column: str) -> str:
    """The label of a column's axis; an unknown column is labelled with its own name, as stored."""
    layer = _LAYER.fullmatch(column)
    if layer:
        name, unit = LABELS[layer.group(1)].split(" (", 1)
        return f"{name}, layer {layer.group(2)} ({unit}"
    return LABELS.get(column, f"{column} (as stored)")
