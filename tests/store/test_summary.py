"""iter_responses streams lazily; summarize_run and `semspace inspect` report numbers computed by hand."""

import math

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import semspace.cli.inspect_run  # noqa: F401  (registers the command)
from semspace.cli.app import app
from semspace.store import RunWriter, iter_responses, summarize_run
from tests.store.rows import SETTINGS, make_rows, write_run


def test_iter_responses_reads_one_batch_at_a_time(tmp_path, monkeypatch):
    run = write_run(tmp_path / "run", [["a", "b"], ["c", "d"], ["e", "f"]])
    pulled = []
    original = pq.ParquetFile.iter_batches

    def counting(self, *args, **kwargs):
        for batch in original(self, *args, **kwargs):
            pulled.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", counting)
    responses = iter_responses(run, columns=["prompt_id", "er"], batch_size=2)
    assert pulled == []
    assert next(responses) == {"prompt_id": "a", "er": make_rows(["a"])[0]["er"]}
    assert pulled == [2]
    assert [row["prompt_id"] for row in responses] == ["a", "b", "b", "c", "c", "d", "d", "e", "e", "f", "f"]
    assert pulled == [2] * 6


def hand_rows():
    """Four responses with simple numbers: er 1, 2, NaN, 4; correct True, False, ungradable, True."""
    rows = make_rows(["p", "q"])
    columns = ([1.0, 2.0, math.nan, 4.0], [True, False, None, True], [2, 4, 6, 8])
    for row, er, correct, n_tokens in zip(rows, *columns, strict=True):
        row.update(er=er, correct=correct, n_tokens=n_tokens, reward=float(bool(correct)))
    return rows


def test_summarize_run_equals_a_hand_computation(tmp_path):
    writer = RunWriter(tmp_path / "run", SETTINGS)
    rows = hand_rows()
    writer.write_shard(rows[:2])
    writer.write_shard(rows[2:])
    writer.finish()
    summary = summarize_run(tmp_path / "run")

    assert (summary["rows"], summary["prompts"], summary["shards"]) == (4, 2, 2)
    assert summary["status"] == "complete"
    assert summary["settings"] == SETTINGS
    assert summary["accuracy"] == {"accuracy": pytest.approx(2 / 3), "correct": 2, "graded": 3,
                                   "ungradable": 1}
    er = summary["metrics"]["er"]
    assert (er["count"], er["nan"], er["min"], er["max"]) == (3, 1, 1.0, 4.0)
    assert er["mean"] == pytest.approx(7 / 3)
    assert er["std"] == pytest.approx(math.sqrt(7 / 3))  # (16/9 + 1/9 + 25/9) / (n - 1 = 2)
    tokens = summary["metrics"]["n_tokens"]
    assert (tokens["count"], tokens["nan"], tokens["mean"]) == (4, 0, 5.0)
    assert tokens["std"] == pytest.approx(math.sqrt(20 / 3))
    empty = {"count": 0, "nan": 4, "mean": None, "std": None, "min": None, "max": None}
    assert summary["metrics"]["era"] == empty


def test_summarize_run_of_a_run_without_shards(tmp_path):
    RunWriter(tmp_path / "run", SETTINGS)
    summary = summarize_run(tmp_path / "run")
    assert (summary["rows"], summary["status"]) == (0, "running")
    assert summary["accuracy"]["accuracy"] is None


def test_inspect_prints_counts_accuracy_and_metrics(tmp_path):
    writer = RunWriter(tmp_path / "run", SETTINGS)
    writer.write_shard(hand_rows())
    writer.finish()
    result = CliRunner().invoke(app, ["inspect", str(tmp_path / "run"), "--verify"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("rows" in line and " 4 " in line for line in lines)
    assert any("accuracy" in line and "0.6667" in line for line in lines)
    assert any("ungradable" in line and " 1 " in line for line in lines)
    assert any(line.strip("│ ").startswith("er ") and "2.333" in line for line in lines)
    assert "sampling.temperature" in result.output
