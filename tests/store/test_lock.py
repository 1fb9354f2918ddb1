"""One writer per run, with real processes: a second writer is refused at once naming the first; a writer killed
without releasing its lock is taken over with a warning; a clean finish leaves nothing to warn about."""

import os
import signal
import subprocess
import sys
import warnings

import pytest

from semspace.errors import RunLockedError
from semspace.store import RunWriter, read_run

MANIFEST = {"dataset": {"source": "test"}}
HOLDER = """
import sys, time
from semspace.store import RunWriter
writer = RunWriter(sys.argv[1], {"dataset": {"source": "test"}}, resume=sys.argv[2] == "resume")
writer.write_shard([{"prompt_id": "p0", "sample": 0}])
print("holding", flush=True)
time.sleep(120)
"""


def holding_process(run, mode="new") -> subprocess.Popen:
    """A real process that writes the run and then keeps its lock, until killed."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(run), mode], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "holding"
    return process


def test_a_second_writer_is_refused_naming_the_first_then_takes_over_when_it_is_killed(tmp_path):
    run = tmp_path / "run"
    holder = holding_process(run)
    try:
        with pytest.raises(RunLockedError, match=f"process {holder.pid} on host"):
            RunWriter(run, MANIFEST, resume=True)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with pytest.warns(UserWarning, match=f"taking over .* from process {holder.pid}"):
        writer = RunWriter(run, MANIFEST, resume=True)
    writer.write_shard([{"prompt_id": "p1", "sample": 0}])
    writer.finish()
    assert sorted(read_run(run)["prompt_id"]) == ["p0", "p1"], "the killed writer's shard is kept"


def test_after_a_clean_finish_the_next_writer_takes_the_lock_silently(tmp_path):
    run = tmp_path / "run"
    RunWriter(run, MANIFEST).finish()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RunWriter(run, MANIFEST, resume=True).finish()


def test_readers_never_wait_for_a_writer(tmp_path):
    run = tmp_path / "run"
    holder = holding_process(run)
    try:
        assert read_run(run)["prompt_id"].tolist() == ["p0"]
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()


def test_two_collects_into_one_folder_the_second_is_refused_in_one_line(tmp_path):
    run = tmp_path / "run"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    holder = holding_process(run)
    try:
        result = subprocess.run([sys.executable, "-m", "semspace", "collect", "--out", str(run), "--resume",
                                 "--model", "tiny-random", "--dataset", "arithmetic:2", "--n", "1"],
                                env=env, capture_output=True, text=True, timeout=300)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.returncode == 2 and len(errors) == 1, result.stderr
    assert f"process {holder.pid} on host" in errors[0] and "Traceback" not in result.stderr
