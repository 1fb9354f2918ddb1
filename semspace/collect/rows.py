"""One Parquet row per response (DESIGN's shard columns) from samples, captures, metrics and grades."""

from __future__ import annotations

import numpy as np

from semspace.data import grade_many
from semspace.metrics import MetricSettings, measure_dynamics, measure_responses, response_entropy


def build_rows(batch, prompts, flat, captures, tokenizer, settings: MetricSettings, *, layers: tuple[int, ...],
               hidden_dtype: str | None, with_level: bool) -> list[dict]:
    """Rows for every (prompt, sample) of a batch, in prompt then sample order; H stored when `hidden_dtype`."""
    names = [f"{batch[b][1].prompt_id}/sample-{s}" for b, s in _sample_numbers(flat)]
    hidden = [c.hidden for c in captures]
    metrics = measure_responses(hidden, settings, names)
    layer_metrics = {layer: measure_dynamics([c.layers[layer] for c in captures], settings, names)
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
