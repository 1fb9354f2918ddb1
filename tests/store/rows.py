"""Rows and runs for store tests, deterministic per prompt so a resumed run can equal an uninterrupted one."""

import zlib
from pathlib import Path

import numpy as np

from semspace.store import RunWriter

SETTINGS = {
    "model": {"id": "tiny-random", "dtype": "float32", "hidden_size": 8},
    "dataset": {"source": "toy.jsonl", "sha256": "ab" * 32, "prompts": 6},
    "sampling": {"n": 2, "temperature": 1.0, "top_p": 1.0, "max_new_tokens": 16, "seed": 7},
    "capture": {"align": "teacher-forced", "layers": [-1, 1], "hidden_dtype": "float16"},
    "metrics": {"stride": 40, "window": 512, "center": True, "spectrum": "sigma"},
}


def make_rows(prompt_ids, samples: int = 2, *, hidden: bool = False) -> list[dict]:
    """All samples of each prompt: odd samples have NaN er; prompts ending in 'x' have an unparseable gold."""
    rows = []
    for prompt_id in prompt_ids:
        rng = np.random.default_rng(zlib.crc32(prompt_id.encode()))
        for sample in range(samples):
            length = int(rng.integers(1, 6))
            row = {
                "prompt_id": prompt_id,
                "sample": sample,
                "problem": f"What is {prompt_id}?",
                "prompt": f"<user>What is {prompt_id}?</user>",
                "response": f"answer {sample}",
                "answer": None if prompt_id.endswith("x") else "4",
                "prediction": str(sample),
                "correct": None if prompt_id.endswith("x") else sample == 0,
                "reward": float(sample == 0),
                "n_tokens": length,
                "finish_reason": "stop" if sample == 0 else "length",
                "response_token_ids": rng.integers(0, 50_000, length).astype(np.int32),
                "token_logprob": -rng.random(length).astype(np.float32),
                "token_entropy": rng.random(length).astype(np.float32),
                "er": float("nan") if sample % 2 else float(rng.random() * 10),
                "erv": float(rng.normal()),
                "prefix_er": rng.random(length),
                "level": 3,
            }
            if hidden:
                row["hidden"] = rng.normal(size=(length, 8)).astype(np.float16)
                row["hidden_l1"] = rng.normal(size=(length, 8)).astype(np.float32)
            rows.append(row)
    return rows


def write_run(out: Path, shards: list[list[str]], *, hidden: bool = False, finish: bool = True) -> Path:
    """A single-process run with one shard per list of prompt ids."""
    writer = RunWriter(out, SETTINGS)
    for prompt_ids in shards:
        writer.write_shard(make_rows(prompt_ids, hidden=hidden))
    if finish:
        writer.finish()
    else:
        writer.close()  # as when its process ends without finishing (killed)
    return out
