"""Small synthetic runs written with RunWriter: float32 hidden states whose metric columns are known exactly."""

from pathlib import Path

import numpy as np

from semspace.metrics import rank_dynamics_batch, response_metrics_batch
from semspace.store import RunWriter

METRICS = {"stride": 2, "window": 8, "center": True, "spectrum": "sigma"}
LENGTHS = (1, 3, 6, 9, 13)
DIM = 5


def settings(model: str = "toy-a", *, hidden: bool = True) -> dict:
    """A manifest like collect's, with the metric settings the rows were measured with."""
    return {
        "model": {"name": model, "hidden_size": DIM},
        "dataset": {"source": "synthetic", "prompts": 4},
        "sampling": {"n": 3, "temperature": 1.0},
        "capture": {"align": "predictive", "layers": [1], "save_hidden": hidden, "hidden_dtype": "float32"},
        "metrics": dict(METRICS),
    }


def make_rows(prompt_ids, *, samples: int = 3, hidden: bool = True, seed: int = 0) -> list[dict]:
    """Rows of whole prompts; prompt ids ending in 'x' are ungradable (correct None)."""
    rng = np.random.default_rng(seed)
    rows = []
    for p, prompt_id in enumerate(prompt_ids):
        for sample in range(samples):
            length = LENGTHS[(p * samples + sample) % len(LENGTHS)]
            rows.append({
                "prompt_id": prompt_id, "sample": sample, "problem": f"q {prompt_id}", "response": f"r {sample}",
                "correct": None if prompt_id.endswith("x") else bool(sample % 2), "reward": float(sample % 2),
                "n_tokens": length, "token_logprob": -rng.random(length).astype(np.float32),
                "mean_logprob": float(-rng.random()), "response_entropy": float(rng.random() * 4),
                "level": str(1 + p % 2),
                "hidden": (rng.standard_normal((length, DIM)) * rng.uniform(0.2, 3, DIM)).astype(np.float32),
                "hidden_l1": rng.standard_normal((length, DIM)).astype(np.float32),
            })
    names = [f"{row['prompt_id']}/sample-{row['sample']}" for row in rows]
    metrics = response_metrics_batch([row["hidden"] for row in rows], names=names, **METRICS)
    layer = rank_dynamics_batch([row["hidden_l1"] for row in rows], names=names, **METRICS)
    for row, values, dynamics in zip(rows, metrics, layer):
        row.update(values)
        row.update({"er_l1": dynamics.er, "erv_l1": dynamics.erv, "era_l1": dynamics.era})
        if not hidden:
            del row["hidden"], row["hidden_l1"]
    return rows


def write_run(out: Path, shards=(("p0", "p1"), ("p2", "p3x")), *, hidden: bool = True, model: str = "toy-a",
              seed: int = 0) -> Path:
    """A finished single-process run, one shard per tuple of prompt ids."""
    writer = RunWriter(out, settings(model, hidden=hidden))
    for number, prompt_ids in enumerate(shards):
        writer.write_shard(make_rows(prompt_ids, hidden=hidden, seed=seed + number))
    writer.finish()
    return out
