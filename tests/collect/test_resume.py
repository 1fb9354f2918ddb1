"""A collector killed with SIGKILL and resumed writes exactly the rows of an uninterrupted run."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from semspace.store import read_manifest, read_run

ARGS = ["--model", "tiny-random", "--dataset", "arithmetic:10", "--n", "2", "--max-new-tokens", "24",
        "--batch-size", "1", "--shard-prompts", "1", "--stride", "3", "--save-hidden"]


def semspace(*args, **kwargs):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-c", "from semspace.cli import main; main()", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values(["prompt_id", "sample"]).reset_index(drop=True)
    return frame.map(lambda v: v.tolist() if isinstance(v, np.ndarray) else v)


def test_killed_run_resumes_to_the_same_rows(tmp_path: Path):
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    assert semspace("collect", "--out", str(whole), *ARGS).wait() == 0
    process = semspace("collect", "--out", str(killed), *ARGS)
    shards = killed / "shards"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(shards.glob("part-*.parquet"))) < 3:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert read_manifest(killed)["status"] == "running"
    rows_before = len(read_run(killed))
    assert 0 < rows_before < 20, "the kill should land mid-run"

    refused = semspace("collect", "--out", str(killed), *ARGS)
    assert refused.wait() == 2
    assert "--resume" in refused.stderr.read()

    assert semspace("collect", "--out", str(killed), *ARGS, "--resume").wait() == 0
    resumed, reference = read_run(killed, hidden=True), read_run(whole, hidden=True)
    assert read_manifest(killed)["status"] == "complete"
    assert len(resumed) == len(reference) == 20
    assert not resumed.duplicated(["prompt_id", "sample"]).any()
    pd.testing.assert_frame_equal(comparable(resumed), comparable(reference))


@pytest.mark.parametrize("change", [["--n", "3"], ["--stride", "4"]])
def test_resume_with_other_settings_is_refused(tmp_path: Path, change):
    out = tmp_path / "run"
    base = ["--model", "tiny-random", "--dataset", "arithmetic:2", "--n", "2", "--max-new-tokens", "8"]
    assert semspace("collect", "--out", str(out), *base).wait() == 0
    args = base + change
    process = semspace("collect", "--out", str(out), *args, "--resume")
    assert process.wait() == 2
    assert "error:" in process.stderr.read()
