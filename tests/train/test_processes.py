"""Training across processes and crashes: two CPU ranks share one set of baselines, and a run killed while writing
a checkpoint resumes from the last complete one with the same baselines."""

import json
import logging
import math
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from semspace.layout import CHECKPOINTS
from semspace.store import read_run
from semspace.train import TrainConfig
from semspace.train.run import build_trainer

HERE = Path(__file__).parent
TINY = dict(model="tiny-random", dataset="arithmetic:4", max_completion_length=10, num_generations=2, batch_size=2,
            stride=2, window=None, global_stride=1)
KILLED_AT_SECOND_CHECKPOINT = """
import os, sys
from pathlib import Path
from transformers import Trainer
from semspace.train import TrainConfig, run_training

save_rng_state = Trainer._save_rng_state
def die_at_step_2(self, output_dir):  # model, optimizer and shaper state are written; trainer_state.json is not
    if self.state.global_step == 2:
        os._exit(9)
    return save_rng_state(self, output_dir)
Trainer._save_rng_state = die_at_step_2
run_training(TrainConfig(out=Path(sys.argv[1]), shape="verl", save_steps=1, max_steps=3, **{tiny!r}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def finite_mean(values) -> float:
    finite = [v for v in values if math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan


def test_two_processes_share_baselines_and_batch_means(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port",
               str(free_port()), str(HERE / "two_ranks.py"), str(tmp_path)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = [json.loads((tmp_path / f"rank-{rank}.json").read_text()) for rank in (0, 1)]
    assert len(ranks[0]) == len(ranks[1]) == 2
    for first, second in zip(*ranks):
        assert first["state"] == second["state"], "both ranks hold the same baselines after each step"
        assert first["batch_means"] == second["batch_means"]
        for name in ("er", "erv", "era"):
            both = first[name] + second[name]
            assert first["batch_means"][name] == pytest.approx(finite_mean(both)), "means over both ranks' completions"
    assert ranks[0][0]["er"] != ranks[1][0]["er"], "each rank shaped its own completions"
    assert sorted(read_run(tmp_path / "run")["step"]) == [1, 2]


class Recording:
    """The trainer's shaper, with its state at each call kept."""

    def __init__(self, inner):
        self.inner, self.states = inner, []

    def __call__(self, advantages, **signals):
        self.states.append(self.inner.state_dict())
        return self.inner(advantages, **signals)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_a_kill_while_writing_a_checkpoint_resumes_from_the_last_complete_one(tmp_path, caplog):
    out = tmp_path / "run"
    script = KILLED_AT_SECOND_CHECKPOINT.format(tiny=TINY)
    result = subprocess.run([sys.executable, "-c", script, str(out)], env={**os.environ, "HF_HUB_OFFLINE": "1"},
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 9, result.stderr[-2000:]
    checkpoints = out / CHECKPOINTS
    assert (checkpoints / "checkpoint-2" / "shaper_state.json").is_file()
    assert not (checkpoints / "checkpoint-2" / "trainer_state.json").is_file(), "killed before TRL finished"
    saved = json.loads((checkpoints / "checkpoint-1" / "shaper_state.json").read_text())
    trainer, writer = build_trainer(TrainConfig(out=out, shape="verl", save_steps=1, max_steps=3, resume=True,
                                                **TINY))
    trainer.shaper = Recording(trainer.shaper)
    with caplog.at_level(logging.WARNING):
        trainer.train(resume_from_checkpoint=True)
    assert "skipping" in caplog.text and "checkpoint-2" in caplog.text
    assert trainer.shaper.states[0] == saved, "the resumed run continued from checkpoint-1's baselines"
    writer.finish()
    assert sorted(read_run(out)["step"]) == [1, 2, 3], "each step logged once"
