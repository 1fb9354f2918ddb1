"""One Parquet row per response (DESIGN's shard columns) from samples, captures, metrics and grades."""

from __future__ import annotations

import math

import numpy as np
import torch

from semspace.data import grade_many
from semspace.errors import InvalidInputError
from semspace.metrics import MetricSettings, RankDynamics, measure_dynamics, measure_responses, response_entropy

NAN_DYNAMICS = RankDynamics(er=math.nan, erv=math.nan, era=math.nan, prefix_er=np.zeros(0))
NAN_METRICS = {"er": math.nan, "erv": math.nan, "era": math.nan, "prefix_er": np.zeros(0), "trad_rank": math.nan,
               "matrix_entropy": math.nan, "curvature": math.nan}


def build_rows(batch, prompts, flat, captures, tokenizer, settings: MetricSettings, *, layers: tuple[int, ...],
               hidden_dtype: str | None, with_level: bool, strict: bool = False) -> list[dict]:
    """Rows for every (prompt, sample) of a batch, in prompt then sample order; H stored when `hidden_dtype`.

    A response whose hidden states or logits are not finite (fp16 overflow) keeps its row: the metrics that need
    them are NaN and `metric_error` says why. With `strict`, it stops the run instead.
    """
    names = [f"{batch[b][1].prompt_id}/sample-{s}" for b, s in _sample_numbers(flat)]
    state_errors = [_state_error(c) for c in captures]
    errors = ["; ".join(e for e in (state, c.error) if e) or None for state, c in zip(state_errors, captures)]
    if strict:
        _refuse_first(names, errors)
    good = [i for i, error in enumerate(state_errors) if error is None]
    metrics = _for_good(good, len(captures), measure_responses([captures[i].hidden for i in good], settings,
                                                               [names[i] for i in good]), NAN_METRICS)
    layer_metrics = {layer: _for_good(good, len(captures), measure_dynamics(
        [captures[i].layers[layer] for i in good], settings, [names[i] for i in good]), NAN_DYNAMICS)
        for layer in layers}
    responses = [tokenizer.decode(c.token_ids, skip_special_tokens=True) for _, c in flat]
    grades = grade_many(responses, [batch[b][1].answer for b, _ in flat])
    rows = []
    for i, ((b, sample), (_, completion)) in enumerate(zip(_sample_numbers(flat), flat)):
        problem = batch[b][1]
        row = {
            "prompt_id": problem.prompt_id, "sample": sample, "problem": problem.problem, "prompt": prompts[b],
            "response": responses[i], "answer": problem.answer, "prediction": grades[i].prediction,
            "correct": grades[i].correct, "reward": grades[i].reward, "n_tokens": len(completion.token_ids),
            "finish_reason": completion.finish_reason,
            "response_token_ids": np.asarray(completion.token_ids, dtype=np.int32),
            "token_logprob": captures[i].tokens.logprob.astype(np.float32),
            "token_entropy": captures[i].tokens.entropy.astype(np.float32),
            **metrics[i],
            "mean_token_entropy": captures[i].tokens.mean_entropy,
            "mean_logprob": captures[i].tokens.mean_logprob,
            "perplexity": captures[i].tokens.perplexity,
            "mean_top1_prob": captures[i].tokens.mean_top1_prob,
            "response_entropy": response_entropy(completion.token_ids),
            "metric_error": errors[i],
        }
        for layer, dynamics in layer_metrics.items():
            row.update({f"er_l{layer}": dynamics[i].er, f"erv_l{layer}": dynamics[i].erv,
                        f"era_l{layer}": dynamics[i].era})
        if with_level:
            row["level"] = problem.level
        if hidden_dtype is not None:
            row["hidden"] = _stored(captures[i].hidden, hidden_dtype)
            for layer, states in captures[i].layers.items():
                row[f"hidden_l{layer}"] = _stored(states, hidden_dtype)
        rows.append(row)
    return rows


def _state_error(capture) -> str | None:
    """Why a response's hidden states (last layer or an extra one) cannot be measured, or None."""
    for name, states in (("hidden states", capture.hidden), *((f"layer {layer} states", states)
                                                              for layer, states in capture.layers.items())):
        bad = (~torch.isfinite(states)).any(dim=1).nonzero().flatten().tolist()
        if bad:
            return f"{name} contain NaN or inf (rows {bad[:5]}{'...' if len(bad) > 5 else ''})"
    return None


def _refuse_first(names: list[str], errors: list[str | None]) -> None:
    """--strict: the first response that cannot be measured stops the run."""
    for name, error in zip(names, errors):
        if error:
            raise InvalidInputError(f"Response {name}: {error}.",
                                    "Check the model's dtype (fp16 overflow is common), or drop --strict to keep "
                                    "such responses as rows with NaN metrics and a metric_error.")


def _for_good(good: list[int], total: int, results: list, missing) -> list:
    """Results of the measurable responses in their places, `missing` elsewhere."""
    placed = [missing] * total
    for index, result in zip(good, results):
        placed[index] = result
    return placed


def _sample_numbers(flat) -> list[tuple[int, int]]:
    """(batch position, sample number within its prompt) for each flattened completion."""
    seen: dict[int, int] = {}
    numbered = []
    for b, _ in flat:
        numbered.append((b, seen.get(b, 0)))
        seen[b] = seen.get(b, 0) + 1
    return numbered


def _stored(states, dtype: str) -> np.ndarray:
    return states.float().numpy().astype(dtype)
