"""Rows written by RunWriter read back exactly, through semspace and through other Parquet readers."""

import json
import math

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from semspace.errors import InvalidInputError
from semspace.store import RunWriter, iter_responses, read_manifest, read_run
from tests.store.rows import SETTINGS, make_rows, write_run

SCALARS = ["prompt_id", "sample", "problem", "prompt", "response", "finish_reason", "n_tokens", "level"]
LISTS = ["response_token_ids", "token_logprob", "token_entropy", "prefix_er"]


@pytest.fixture
def run(tmp_path):
    return write_run(tmp_path / "run", [["a", "bx"], ["c"]], hidden=True)


def expected_rows():
    return make_rows(["a", "bx"], hidden=True) + make_rows(["c"], hidden=True)


def assert_same_row(stored: dict, row: dict, *, hidden: bool):
    for name in SCALARS:
        assert stored[name] == row[name], name
    assert stored["reward"] == np.float32(row["reward"])
    if math.isnan(row["er"]):
        assert math.isnan(stored["er"])
    else:
        assert stored["er"] == row["er"]
    if row["answer"] is None:
        assert pd.isna(stored["answer"]) and pd.isna(stored["correct"])
    else:
        assert stored["answer"] == row["answer"] and stored["correct"] == row["correct"]
    for name in LISTS:
        assert np.array_equal(stored[name], row[name]), name
        assert stored[name].dtype == np.asarray(row[name]).dtype, name
    if hidden:
        for name in ("hidden", "hidden_l1"):
            assert stored[name].dtype == row[name].dtype and stored[name].shape == row[name].shape
            assert np.array_equal(stored[name], row[name]), name


def test_read_run_round_trips_every_column(run):
    frame = read_run(run, hidden=True)
    rows = expected_rows()
    assert len(frame) == len(rows)
    for index, row in enumerate(rows):
        assert_same_row(frame.iloc[index].to_dict(), row, hidden=True)
    assert frame["erv"].dtype == np.float64 and frame["era"].isna().all()


def test_iter_responses_round_trips_every_column(run):
    streamed = list(iter_responses(run, hidden=True, batch_size=3))
    rows = expected_rows()
    assert len(streamed) == len(rows)
    for stored, row in zip(streamed, rows, strict=True):
        assert_same_row(stored, row, hidden=True)
        assert (stored["correct"] is None) == (row["correct"] is None)


def test_hidden_states_only_when_asked(run):
    assert not {"hidden", "hidden_l1"} & set(read_run(run).columns)
    assert list(read_run(run, columns=["prompt_id", "hidden_l1"]).columns) == ["prompt_id", "hidden_l1"]
    assert {"hidden", "hidden_l1"} <= set(next(iter_responses(run, hidden=True)))
    assert set(next(iter_responses(run, columns=["er", "hidden"]))) == {"er", "hidden"}


def test_an_unknown_column_is_refused_with_the_choices(run):
    with pytest.raises(InvalidInputError, match="ER_typo.*Choose from"):
        read_run(run, columns=["ER_typo"])


def test_a_run_without_shards_reads_as_an_empty_frame(tmp_path):
    frame = read_run(write_run(tmp_path / "empty", []))
    assert len(frame) == 0 and "er" in frame.columns


def test_shards_are_plain_parquet_for_pandas_pyarrow_and_duckdb(run):
    shards = sorted((run / "shards").glob("*.parquet"))
    assert [path.name for path in shards] == ["part-00-00000.parquet", "part-00-00001.parquet"]
    assert len(pd.read_parquet(run / "shards")) == 6
    assert pq.read_table(shards[0]).num_rows == 4
    count, tokens = duckdb.sql(f"select count(*), sum(n_tokens) from '{run}/shards/*.parquet'").fetchall()[0]
    assert count == 6 and tokens == sum(row["n_tokens"] for row in expected_rows())
    hidden_rows = duckdb.sql(f"select len(hidden) from '{shards[1]}'").fetchall()
    assert [length for (length,) in hidden_rows] == [row["n_tokens"] for row in make_rows(["c"], hidden=True)]


def test_shards_load_with_hugging_face_datasets(run, tmp_path):
    import datasets

    loaded = datasets.load_dataset("parquet", data_files=str(run / "shards" / "*.parquet"), split="train",
                                   cache_dir=str(tmp_path / "hf-cache"))
    assert loaded.num_rows == 6
    assert loaded[0]["prompt_id"] == "a"
    assert np.array_equal(np.asarray(loaded[0]["hidden"], np.float16), expected_rows()[0]["hidden"])


def test_each_shard_carries_the_manifest_settings(run):
    for path in (run / "shards").glob("*.parquet"):
        fields = json.loads(pq.read_metadata(path).metadata[b"semspace"])
        assert fields["schema_version"] == 1
        assert fields["model"] == SETTINGS["model"]
        assert fields["capture"] == SETTINGS["capture"]
        assert "shards" not in fields


def test_manifest_lists_shards_with_counts_and_hashes(run):
    manifest = read_manifest(run)
    assert manifest["status"] == "complete"
    assert manifest["schema_version"] == 1 and manifest["semspace_version"]
    assert manifest["sampling"] == SETTINGS["sampling"]
    assert [(entry["rows"], entry["prompts"]) for entry in manifest["shards"]] == [(4, 2), (2, 1)]
    assert all(len(entry["sha256"]) == 64 for entry in manifest["shards"])


def test_missing_lists_and_hidden_states_read_as_none(tmp_path):
    rows = make_rows(["a"], hidden=True)
    rows[1].update(prefix_er=None, hidden=None)
    writer = RunWriter(tmp_path / "run", SETTINGS)
    writer.write_shard(rows)
    first, second = iter_responses(tmp_path / "run", columns=["prefix_er", "hidden"])
    assert second == {"prefix_er": None, "hidden": None}
    assert np.array_equal(first["hidden"], rows[0]["hidden"])
    assert np.array_equal(read_run(tmp_path / "run", hidden=True)["hidden"][0], rows[0]["hidden"])
