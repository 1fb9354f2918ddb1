"""`semspace train` as a user runs it: a YAML config plus overrides, and a refused option."""

import os
import subprocess
import sys

from semspace.store import read_manifest, read_run


def run_cli(*args):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "semspace", "train", *args], env=env, capture_output=True,
                          text=True, timeout=600)


def test_config_file_with_overrides_trains_and_logs(tmp_path):
    config = tmp_path / "train.yaml"
    config.write_text("model: tiny-random\ndataset: arithmetic:4\nshape: verl\nmax-steps: 1\n"
                      "max_completion_length: 8\nstride: 2\nnum-generations: 2\nbatch-size: 1\n"
                      "verl-scope: last-token\n")
    out = tmp_path / "run"
    result = run_cli("--config", str(config), "--out", str(out), "--verl-baseline", "reference", "--kappa", "3")
    assert result.returncode == 0, result.stderr
    training = read_manifest(out)["training"]
    assert (training["verl_scope"], training["verl_baseline"], training["kappa"]) == ("last-token", "reference", 3.0)
    assert read_run(out)["step"].tolist() == [1]
    assert (out / "checkpoints" / "checkpoint-1" / "shaper_state.json").is_file()


def test_an_option_of_another_shape_is_a_one_line_error(tmp_path):
    result = run_cli("--out", str(tmp_path / "run"), "--model", "tiny-random", "--shape", "entropy", "--gain", "2")
    assert result.returncode == 2
    assert "--gain" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "run").exists(), "nothing is written before the settings are known to be good"
