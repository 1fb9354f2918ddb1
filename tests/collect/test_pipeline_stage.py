"""Collect with metrics beside sampling: rows in prompt order, an error in the background stage stops the run with
its one-line error and nothing half-written, a kill during it resumes to the rows of an uninterrupted run, the
time split is reported, and tokens are counted as they are sampled."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import semspace.collect.pipeline as pipeline
from semspace.collect import CollectConfig, CollectEvents, SamplingSettings, run_collect
from semspace.data import load_problems
from semspace.errors import InvalidInputError
from semspace.metrics import MetricSettings
from semspace.store import read_manifest, read_run

SETTINGS = dict(model="tiny-random", dataset="arithmetic:6", batch_size=1, prompts_per_shard=1,
                sampling=SamplingSettings(n=2, max_new_tokens=10), metrics=MetricSettings(stride=2))


PROMPTS = [problem.prompt_id for problem in load_problems("arithmetic:6").problems]


class Recorder(CollectEvents):
    def __init__(self):
        self.tokens, self.batches, self.final = [], [], None

    def sampling(self, tokens):
        self.tokens.append(tokens)

    def batch_done(self, progress):
        self.batches.append(progress.tokens)

    def finished(self, progress):
        self.final = progress


def test_rows_come_in_prompt_order_and_the_time_split_is_reported(tmp_path):
    events = Recorder()
    out = run_collect(CollectConfig(out=tmp_path / "run", **SETTINGS), events)
    rows = read_run(out)
    assert rows["prompt_id"].tolist() == [prompt for prompt in PROMPTS for _ in range(2)]
    assert rows["sample"].tolist() == [0, 1] * 6
    timings = events.final.timings
    assert timings.sampling > 0 and timings.capture > 0 and timings.metrics > 0 and timings.writing > 0
    assert timings.waiting >= 0 and "the sampler waited" in timings.describe()
    assert events.batches[-1] == rows["n_tokens"].sum() == events.final.tokens


def test_tokens_are_counted_as_they_are_sampled(tmp_path):
    events = Recorder()
    run_collect(CollectConfig(out=tmp_path / "run", **{**SETTINGS, "dataset": "arithmetic:1"}), events)
    assert events.tokens == sorted(events.tokens) and len(events.tokens) > 1, "one report per generation step"
    assert events.tokens[-1] == read_run(tmp_path / "run")["n_tokens"].sum(), "stopped sequences stop counting"


def test_an_error_in_the_background_stage_stops_the_run_with_nothing_half_written(tmp_path, monkeypatch):
    real, calls = pipeline.build_rows, []

    def failing_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise InvalidInputError(f"Hidden states of {PROMPTS[2]}/sample-0 contain NaN or inf.", "Check it.")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "build_rows", failing_third)
    out = tmp_path / "run"
    with pytest.raises(InvalidInputError, match=f"{PROMPTS[2]}/sample-0 contain NaN"):
        run_collect(CollectConfig(out=out, **SETTINGS))
    manifest = read_manifest(out)
    assert manifest["status"] == "running" and len(calls) == 3, "no batch after the failed one is worked"
    rows = read_run(out)
    assert rows["prompt_id"].tolist() == [PROMPTS[0]] * 2 + [PROMPTS[1]] * 2, "whole prompts before it only"
    assert sorted(path.name for path in (out / "shards").glob("*.parquet")) == \
        sorted(entry["file"] for entry in manifest["shards"])


SLOW_BACKGROUND = """
import sys, time
import semspace.collect.pipeline as pipeline
from semspace.cli import main
real = pipeline.build_rows
def slow(*args, **kwargs):
    time.sleep(1.0)
    return real(*args, **kwargs)
pipeline.build_rows = slow
sys.argv = ["semspace", *sys.argv[1:]]
main()
"""
ARGS = ["--model", "tiny-random", "--dataset", "arithmetic:8", "--n", "2", "--max-new-tokens", "12",
        "--batch-size", "1", "--shard-prompts", "1", "--stride", "2", "--save-hidden"]


def semspace(*args, script=None):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-c", script, *args] if script else [sys.executable, "-m", "semspace", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values(["prompt_id", "sample"]).reset_index(drop=True)
    return frame.map(lambda v: v.tolist() if isinstance(v, np.ndarray) else v)


def test_a_kill_during_the_background_stage_resumes_to_the_same_rows(tmp_path: Path):
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    assert semspace("collect", "--out", str(whole), *ARGS).wait() == 0
    process = semspace("collect", "--out", str(killed), *ARGS, script=SLOW_BACKGROUND)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((killed / "shards").glob("part-*.parquet"))) < 2:
        time.sleep(0.05)
    time.sleep(0.5)  # inside the next batch's second of metrics
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = len(read_run(killed))
    assert 0 < done < 16, "the kill lands mid-run"
    assert semspace("collect", "--out", str(killed), *ARGS, "--resume").wait() == 0
    resumed, reference = read_run(killed, hidden=True), read_run(whole, hidden=True)
    assert read_manifest(killed)["status"] == "complete" and len(resumed) == 16
    pd.testing.assert_frame_equal(comparable(resumed), comparable(reference))
