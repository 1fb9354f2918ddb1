"""`semspace eval --benchmark NAME`: a data-dir file first, then the registry's Hub dataset from the HF cache."""

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import semspace.cli.eval_cmd  # noqa: F401  (registers the command)
from semspace.cli.app import app
from semspace.errors import DataFileError
from semspace.evaluate.benchmarks import Benchmark, resolve_benchmark
from semspace.store import read_manifest
from tests.hf_cache import COMMIT, add_dataset, card, jsonl_bytes

MATH500 = [
    {"problem": "What is $1+1$?", "solution": "$\\boxed{2}$", "answer": "2", "subject": "Prealgebra", "level": 1,
     "unique_id": "test/prealgebra/1.json"},
    {"problem": "What is $2+2$?", "solution": "$\\boxed{4}$", "answer": "4", "subject": "Prealgebra", "level": 2,
     "unique_id": "test/prealgebra/2.json"},
]
runner = CliRunner()


@pytest.fixture
def empty_dirs(tmp_path, monkeypatch):
    """An empty data folder and an empty HF cache, offline."""
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    (tmp_path / "data").mkdir()
    return tmp_path / "data", tmp_path / "hub"


def test_a_file_in_the_data_dir_comes_before_the_registry(empty_dirs):
    data, _ = empty_dirs
    assert resolve_benchmark("math500", data) == Benchmark("math500", "math500", "math500")
    (data / "math500.jsonl").write_text('{"problem": "p", "answer": "1"}\n')
    assert resolve_benchmark("math500", data) == Benchmark("math500", "math500", str(data / "math500.jsonl"))


def test_a_file_only_benchmark_without_its_file_says_where_it_looked(empty_dirs):
    data, _ = empty_dirs
    with pytest.raises(DataFileError) as caught:
        resolve_benchmark("svamp", data)
    assert "no Hugging Face dataset" in caught.value.cause and str(data / "svamp.jsonl") in caught.value.cause
    assert "--data-dir" in caught.value.fix


def test_an_unknown_name_points_to_the_listing(empty_dirs):
    data, _ = empty_dirs
    with pytest.raises(DataFileError, match="semspace benchmarks"):
        resolve_benchmark("math5000", data)


def test_eval_reads_a_benchmark_by_name_from_the_hf_cache(empty_dirs):
    data, hub = empty_dirs
    add_dataset(hub, "HuggingFaceH4/MATH-500", {"README.md": card(), "test.jsonl": jsonl_bytes(MATH500)})
    out = data.parent / "out"
    result = runner.invoke(app, ["eval", "--model", "tiny-random", "--n", "2", "--max-new-tokens", "8",
                                 "--benchmark", "math500", "--data-dir", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    dataset = read_manifest(out / "math500")["dataset"]
    assert {key: dataset[key] for key in ("source", "benchmark", "hub_id", "config", "split", "revision",
                                          "files", "prompts", "question_field", "answer_field")} == {
        "source": "math500", "benchmark": "math500", "hub_id": "HuggingFaceH4/MATH-500", "config": "default",
        "split": "test", "revision": COMMIT, "files": ["test.jsonl"], "prompts": 2, "question_field": "problem",
        "answer_field": "answer"}
    assert len(dataset["sha256"]) == 64
    results = json.loads((out / "results.json").read_text())
    assert results["benchmarks"]["math500"]["source"] == "math500"
    assert results["benchmarks"]["math500"]["problems"] == 2
    assert sorted(results["benchmarks"]["math500"]["by_level"]) == ["1", "2"]


def test_an_uncached_benchmark_offline_is_one_line_with_the_fetch_command(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(tmp_path / "hub"),
           "SEMSPACE_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "semspace", "eval", "--model", "tiny-random", "--out",
                             str(tmp_path / "out"), "--benchmark", "math500"],
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert "HuggingFaceH4/MATH-500" in lines[0]
    assert "`hf download HuggingFaceH4/MATH-500 --repo-type dataset`" in lines[0]
    assert not (tmp_path / "out").exists()
