"""`semspace eval` end to end on tiny-random and two shared benchmark files: results, resume, errors."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import semspace.cli.eval_cmd  # noqa: F401  (registers the command)
import semspace.collect.rows as collect_rows
import semspace.evaluate.run as eval_run
from semspace.cli.app import app
from semspace.data import Grade
from semspace.errors import DataFileError, InvalidInputError, RunExistsError
from semspace.models import tiny_random
from semspace.store import read_manifest, read_run

from .oracle import brute_pass_at_k

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
TINY = ["--model", "tiny-random", "--n", "2", "--max-new-tokens", "8", "--limit", "2"]
runner = CliRunner()


def shared() -> Path:
    """The shared benchmark files, which live beside the project; tests that read them skip without them."""
    if not (SHARED / "aime24.jsonl").is_file():
        pytest.skip(f"shared benchmark files not found at {SHARED}")
    return SHARED


def invoke(*args):
    return runner.invoke(app, ["eval", *map(str, args)])


def eval_args(out):
    return [*TINY, "--out", out, "--benchmark", "aime24", "amc23", "--data-dir", shared(), "--k", "2", "1"]


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    out = tmp_path_factory.mktemp("eval") / "out"
    result = invoke(*eval_args(out))
    assert result.exit_code == 0, result.output
    return out, result.output


def oracle_from_rows(run, k):
    """Mean brute-force pass@k over the run's problems, in percent, straight from its rows."""
    rows = read_run(run, columns=["prompt_id", "correct"])
    per_problem = [brute_pass_at_k(len(group), int(group["correct"].eq(True).sum()), k)
                   for _, group in rows.groupby("prompt_id")]
    return float(100 * sum(per_problem) / len(per_problem))


def test_results_json_has_the_documented_shape_and_oracle_values(evaluated):
    out, output = evaluated
    results = json.loads((out / "results.json").read_text())
    assert set(results) == {"semspace_version", "kind", "model", "checkpoint_step", "sampling", "k", "unit",
                            "benchmarks", "average"}
    assert results["kind"] == "eval" and results["unit"] == "percent" and results["checkpoint_step"] is None
    assert results["model"] == {"name": "tiny-random", "source": "in-process, seed 0", "dtype": "float32"}
    assert results["sampling"] == {"n": 2, "temperature": 0.6, "top_p": 0.95, "max_new_tokens": 8, "seed": 0}
    assert results["k"] == [1, 2]
    assert list(results["benchmarks"]) == ["aime24", "amc23"] == results["average"]["benchmarks"]
    for name, entry in results["benchmarks"].items():
        run = out / name
        assert entry["run"] == name and entry["source"] == name
        assert entry["problems"] == 2 and entry["samples_per_problem"] == 2 and entry["by_level"] == {}
        for k in (1, 2):
            assert entry["pass_at_k"][str(k)] == pytest.approx(oracle_from_rows(run, k), abs=1e-9)
        manifest = read_manifest(run)
        assert manifest["kind"] == "eval" and manifest["status"] == "complete"
        assert manifest["dataset"]["source"] == str((SHARED / f"{name}.jsonl").resolve())
        assert read_run(run)["er"].notna().all(), "the teacher-forced metrics pass ran"
    for k in ("1", "2"):
        mean = sum(entry["pass_at_k"][k] for entry in results["benchmarks"].values()) / 2
        assert results["average"]["pass_at_k"][k] == pytest.approx(mean)
    assert "pass@2" in output and "average" in output and "results.json" in output


def test_pass_at_k_matches_the_oracle_when_some_responses_are_correct(tmp_path, monkeypatch):
    def parity_grader(responses, golds):
        """A stand-in grader (tiny-random never answers right): even-length responses count as correct."""
        return [Grade("", len(text) % 2 == 0, float(len(text) % 2 == 0), True) for text in responses]

    monkeypatch.setattr(collect_rows, "grade_many", parity_grader)
    out = tmp_path / "out"
    result = invoke("--model", "tiny-random", "--n", "4", "--max-new-tokens", "6", "--limit", "4", "--out", out,
                    "arithmetic:8", "amc23", "--data-dir", shared(), "--batch-size", "2")
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text())
    assert results["k"] == [1, 2, 4]
    correct = [read_run(out / name)["correct"].mean() for name in ("arithmetic", "amc23")]
    assert all(0 < share < 1 for share in correct), "the check needs both correct and wrong responses"
    for name, entry in results["benchmarks"].items():
        for k in (1, 2, 4):
            assert entry["pass_at_k"][str(k)] == pytest.approx(oracle_from_rows(out / name, k), abs=1e-9)
    levels = results["benchmarks"]["arithmetic"]["by_level"]
    assert sum(level["problems"] for level in levels.values()) == 4


def test_resume_keeps_finished_benchmarks_and_continues_the_rest(evaluated, tmp_path):
    out, _ = evaluated
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    (copy / "results.json").unlink()
    kept = (copy / "aime24" / "manifest.json").read_bytes()
    unfinished = copy / "amc23"
    manifest = json.loads((unfinished / "manifest.json").read_text())
    for shard in manifest["shards"]:
        (unfinished / "shards" / shard["file"]).unlink()
    (unfinished / "manifest.json").write_text(json.dumps({**manifest, "status": "running", "shards": []}))

    refused = invoke(*eval_args(copy))
    assert isinstance(refused.exception, RunExistsError)
    result = invoke(*eval_args(copy), "--resume")
    assert result.exit_code == 0, result.output
    assert (copy / "aime24" / "manifest.json").read_bytes() == kept, "a finished benchmark is not touched"
    assert read_manifest(unfinished)["status"] == "complete"
    columns = ["prompt_id", "sample", "response", "correct"]
    assert read_run(unfinished, columns=columns).equals(read_run(out / "amc23", columns=columns))
    assert json.loads((copy / "results.json").read_text()) == json.loads((out / "results.json").read_text())


def test_resume_of_a_finished_eval_loads_no_model(evaluated, tmp_path, monkeypatch):
    out, _ = evaluated
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    monkeypatch.setattr(eval_run, "open_engine", lambda config: pytest.fail("loaded a model"))
    result = invoke(*eval_args(copy), "--resume")
    assert result.exit_code == 0, result.output
    assert (copy / "results.json").read_text() == (out / "results.json").read_text()


def test_resume_with_other_settings_is_refused(evaluated, tmp_path):
    out, _ = evaluated
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    result = invoke(*eval_args(copy), "--resume", "--temperature", "0.7")
    assert isinstance(result.exception, InvalidInputError) and "different settings" in str(result.exception)
    assert "sampling" in str(result.exception)


def test_resume_with_another_dtype_is_refused(evaluated, tmp_path):
    out, _ = evaluated
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    result = invoke(*eval_args(copy), "--resume", "--dtype", "bfloat16")
    assert isinstance(result.exception, InvalidInputError) and "model dtype" in str(result.exception)


def test_greedy_with_several_samples_is_refused_before_anything_is_written(tmp_path):
    result = invoke(*TINY, "--out", tmp_path / "out", "--benchmark", "arithmetic:2", "--temperature", "0")
    assert isinstance(result.exception, InvalidInputError) and "--n 1" in result.exception.fix
    assert not (tmp_path / "out").exists()


def test_an_output_that_is_a_file_is_a_user_error(tmp_path):
    (tmp_path / "out").write_text("keep me")
    result = invoke(*TINY, "--out", tmp_path / "out", "--benchmark", "arithmetic:2")
    assert isinstance(result.exception, InvalidInputError) and "is a file" in str(result.exception)
    assert (tmp_path / "out").read_text() == "keep me"


def test_resume_needs_an_eval_of_these_benchmarks(tmp_path):
    result = invoke(*eval_args(tmp_path / "none"), "--resume")
    assert isinstance(result.exception, InvalidInputError) and "no run of these benchmarks" in str(result.exception)


def test_existing_output_is_never_overwritten(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = invoke(*eval_args(out))
    assert isinstance(result.exception, RunExistsError) and "--resume" in result.exception.fix
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_k_above_n_is_refused_before_anything_is_written(tmp_path):
    result = invoke(*TINY, "--out", tmp_path / "out", "--benchmark", "arithmetic:2", "--k", "1,4")
    assert isinstance(result.exception, InvalidInputError) and "--k 4" in str(result.exception)
    assert not (tmp_path / "out").exists()


def test_a_file_whose_fields_do_not_map_fails_before_any_benchmark_runs(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"foo": "1+1?", "bar": "2"}\n')
    result = invoke(*TINY, "--out", tmp_path / "out", "--benchmark", "arithmetic:2", bad)
    assert isinstance(result.exception, DataFileError), result.exception
    assert not (tmp_path / "out").exists()


def test_a_training_checkpoint_folder_is_evaluated_with_its_step(tmp_path):
    checkpoint = tmp_path / "train" / "checkpoints" / "checkpoint-3"
    loaded = tiny_random()
    loaded.model.save_pretrained(checkpoint)
    loaded.tokenizer.save_pretrained(checkpoint)
    out = tmp_path / "out"
    result = invoke("--model", checkpoint, "--n", "2", "--max-new-tokens", "8", "--out", out,
                    "--benchmark", "arithmetic:3")
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text())
    assert results["checkpoint_step"] == 3
    assert results["model"]["source"] == str(checkpoint.resolve())
    assert results["k"] == [1, 2] and results["benchmarks"]["arithmetic"]["problems"] == 3
    assert list(results["benchmarks"]["arithmetic"]["by_level"]) == ["1", "2", "3"]
    assert read_manifest(out / "arithmetic")["model"]["kind"] == "local"


def test_an_unknown_benchmark_is_one_line_and_exit_2(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "SEMSPACE_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "semspace", "eval", *TINY, "--out", str(tmp_path / "out"),
                             "--benchmark", "math5000"], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert str(tmp_path / "math5000.jsonl") in lines[0] and "--data-dir" in lines[0]
    assert not (tmp_path / "out").exists()
