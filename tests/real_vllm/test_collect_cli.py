"""`semspace collect --backend vllm` as a user runs it: its metrics are those of transformers' hidden states, and
a run killed mid-way resumes to exactly the rows of an uninterrupted one."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from semspace.store import read_manifest, read_run
from tests.real_vllm import SKIP_REASON

pytest.importorskip("vllm", reason=SKIP_REASON)
pytestmark = pytest.mark.vllm

ARGS = ["--dataset", "arithmetic:8", "--n", "2", "--max-new-tokens", "24", "--batch-size", "1", "--shard-prompts",
        "1", "--stride", "3", "--window", "16", "--save-hidden", "--backend", "vllm"]
METRICS = ["er", "erv", "era", "trad_rank", "matrix_entropy", "curvature"]


def semspace(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "semspace", *args], env={**os.environ, "HF_HUB_OFFLINE": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> None:
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr[-3000:]


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values(["prompt_id", "sample"]).reset_index(drop=True)
    return frame.map(lambda v: v.tolist() if isinstance(v, np.ndarray) else v)


@pytest.fixture(scope="module")
def vllm_run(model_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("collect") / "vllm"
    finish(semspace("collect", "--model", str(model_dir), "--out", str(out), *ARGS))
    return out


def test_stored_metrics_equal_semspace_metrics_over_transformers_states(vllm_run, model_dir, tmp_path):
    """The same responses (same seeds, another process) captured by transformers, then `semspace metrics`."""
    hf_run, again = tmp_path / "hf-capture", tmp_path / "again"
    finish(semspace("collect", "--model", str(model_dir), "--out", str(hf_run), *ARGS, "--capture-backend", "hf"))
    finish(semspace("metrics", str(hf_run), "--out", str(again)))
    by_vllm, by_hf, recomputed = (read_run(run, hidden=True).sort_values(["prompt_id", "sample"])
                                  .reset_index(drop=True) for run in (vllm_run, hf_run, again))
    assert len(by_vllm) == 16
    assert comparable(by_vllm).response_token_ids.tolist() == comparable(by_hf).response_token_ids.tolist()
    for column in METRICS:
        np.testing.assert_allclose(by_vllm[column], recomputed[column], rtol=1e-5, atol=1e-5, err_msg=column)
    for column in ("hidden", "token_logprob", "token_entropy"):
        for got, expected in zip(by_vllm[column], by_hf[column]):
            np.testing.assert_allclose(np.stack(got), np.stack(expected), atol=1e-5, err_msg=column)
    assert read_manifest(vllm_run)["capture"]["backend"] == "vllm"
    assert read_manifest(hf_run)["capture"]["backend"] == "hf"


def test_killed_vllm_run_resumes_to_the_same_rows(vllm_run, model_dir, tmp_path):
    killed = tmp_path / "killed"
    process = semspace("collect", "--model", str(model_dir), "--out", str(killed), *ARGS)
    deadline = time.time() + 300
    while time.time() < deadline and len(list((killed / "shards").glob("part-*.parquet"))) < 2:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert read_manifest(killed)["status"] == "running"
    assert 0 < len(read_run(killed)) < 16, "the kill should land mid-run"

    finish(semspace("collect", "--model", str(model_dir), "--out", str(killed), *ARGS, "--resume"))
    resumed, reference = read_run(killed, hidden=True), read_run(vllm_run, hidden=True)
    assert read_manifest(killed)["status"] == "complete"
    assert len(resumed) == 16 and not resumed.duplicated(["prompt_id", "sample"]).any()
    pd.testing.assert_frame_equal(comparable(resumed), comparable(reference))
