"""RunWriter: never overwrites, resumes exactly, and lets several processes write one run."""

import hashlib
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

import semspace.store.shards as shards
from semspace.errors import InvalidInputError, RunExistsError
from semspace.store import RunWriter, iter_responses, read_manifest, read_run, summarize_run, validate_run
from semspace.store.manifest import file_sha256
from tests.store.rows import SETTINGS, make_rows, write_run


def folder_hashes(folder):
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def shard_files(run):
    return sorted(path.name for path in (run / "shards").glob("*.parquet"))


def comparable(frame):
    """A frame with list columns as tuples, so two runs' rows compare with equals."""
    return frame.map(lambda value: tuple(value.tolist()) if hasattr(value, "tolist") else value)


def test_a_new_run_creates_its_folders(tmp_path):
    RunWriter(tmp_path / "deep" / "run", SETTINGS)
    manifest = json.loads((tmp_path / "deep" / "run" / "manifest.json").read_text())
    assert manifest["status"] == "running" and manifest["shards"] == []
    assert (tmp_path / "deep" / "run" / "shards").is_dir()


def test_an_empty_existing_folder_is_used(tmp_path):
    (tmp_path / "run").mkdir()
    RunWriter(tmp_path / "run", SETTINGS).write_shard(make_rows(["a"]))
    assert shard_files(tmp_path / "run") == ["part-00-00000.parquet"]


@pytest.mark.parametrize("other_file", [False, True])
def test_a_non_empty_folder_is_refused_and_left_untouched(tmp_path, other_file):
    run = write_run(tmp_path / "run", [["a"], ["b"]])
    if other_file:
        (run / "notes.txt").write_text("mine")
    before = folder_hashes(run)
    with pytest.raises(RunExistsError, match="--resume"):
        RunWriter(run, SETTINGS)
    assert folder_hashes(run) == before


def test_manifest_keys_semspace_owns_are_refused(tmp_path):
    with pytest.raises(InvalidInputError, match="status"):
        RunWriter(tmp_path / "run", {**SETTINGS, "status": "done"})
    assert not (tmp_path / "run").exists()


def test_a_prompt_already_written_is_refused(tmp_path):
    writer = RunWriter(tmp_path / "run", SETTINGS)
    writer.write_shard(make_rows(["a", "b"]))
    with pytest.raises(InvalidInputError, match="'b'"):
        writer.write_shard(make_rows(["b", "c"]))
    assert shard_files(tmp_path / "run") == ["part-00-00000.parquet"]


def test_a_later_shard_with_a_new_column_is_refused(tmp_path):
    writer = RunWriter(tmp_path / "run", SETTINGS)
    writer.write_shard(make_rows(["a"]))
    rows = make_rows(["b"])
    rows[0]["surprise"] = 1
    with pytest.raises(InvalidInputError, match="surprise"):
        writer.write_shard(rows)


def test_resume_skips_done_prompts_continues_numbering_and_matches_an_uninterrupted_run(tmp_path):
    batches = [["a", "bx"], ["c"], ["d", "e"]]
    whole = write_run(tmp_path / "whole", batches, hidden=True)
    killed = write_run(tmp_path / "killed", batches[:2], hidden=True, finish=False)
    stale = killed / "shards" / ".part-00-00002.parquet.tmp"
    stale.write_bytes(b"half a shard")

    resumed = RunWriter(killed, SETTINGS, resume=True)
    assert resumed.done_prompt_ids == {"a", "bx", "c"}
    assert not stale.exists()
    todo = [[prompt for prompt in batch if prompt not in resumed.done_prompt_ids] for batch in batches]
    for batch in filter(None, todo):
        resumed.write_shard(make_rows(batch, hidden=True))
    resumed.finish()

    assert shard_files(killed) == shard_files(whole) == [f"part-00-0000{n}.parquet" for n in range(3)]
    assert read_manifest(killed)["status"] == "complete"
    resumed_rows, whole_rows = (comparable(read_run(run, hidden=True)) for run in (killed, whole))
    pd.testing.assert_frame_equal(resumed_rows, whole_rows)


def test_resume_adopts_a_shard_written_just_before_a_kill(tmp_path):
    run = tmp_path / "run"
    writer = RunWriter(run, SETTINGS)
    writer.write_shard(make_rows(["a"]))
    manifest_after_first = (run / "manifest.json").read_bytes()
    writer.write_shard(make_rows(["b"]))
    (run / "manifest.json").write_bytes(manifest_after_first)  # killed between rename and manifest rewrite
    writer.close()  # the killed process's lock goes with it

    resumed = RunWriter(run, SETTINGS, resume=True)
    assert resumed.done_prompt_ids == {"a", "b"}
    assert [entry["file"] for entry in read_manifest(run)["shards"]] == shard_files(run)
    assert resumed.write_shard(make_rows(["c"])).name == "part-00-00002.parquet"


def test_resume_with_other_settings_is_refused_naming_them(tmp_path):
    run = write_run(tmp_path / "run", [["a"]], finish=False)
    before = folder_hashes(run)
    changed = {**SETTINGS, "sampling": {**SETTINGS["sampling"], "temperature": 0.6}, "extra": 1}
    with pytest.raises(InvalidInputError, match=r"\['extra', 'sampling'\]"):
        RunWriter(run, changed, resume=True)
    assert folder_hashes(run) == before


def test_resume_without_a_run_is_refused(tmp_path):
    (tmp_path / "run").mkdir()
    with pytest.raises(InvalidInputError, match="no run"):
        RunWriter(tmp_path / "run", SETTINGS, resume=True)


def test_resume_sets_a_truncated_shard_aside_and_rewrites_its_prompts(tmp_path):
    run = write_run(tmp_path / "run", [["a"], ["b"], ["c"]])
    broken = run / "shards" / "part-00-00001.parquet"
    broken.write_bytes(broken.read_bytes()[:100])

    resumed = RunWriter(run, SETTINGS, resume=True)
    assert resumed.done_prompt_ids == {"a", "c"}
    assert (run / "shards" / "part-00-00001.parquet.corrupt").exists()
    assert resumed.write_shard(make_rows(["b"])).name == "part-00-00003.parquet"
    resumed.finish()
    manifest = validate_run(run)
    assert sorted(read_run(run)["prompt_id"].unique()) == ["a", "b", "c"]
    files = [entry["file"] for entry in manifest["shards"]]
    assert files == ["part-00-00000.parquet", "part-00-00002.parquet", "part-00-00003.parquet"]


def test_two_processes_write_one_run(tmp_path):
    run = tmp_path / "run"
    first = RunWriter(run, SETTINGS, process_index=0, num_processes=2)
    second = RunWriter(run, SETTINGS, process_index=1, num_processes=2)
    first.write_shard(make_rows(["a"]))
    second.write_shard(make_rows(["b"]))
    second.write_shard(make_rows(["d"]))
    first.write_shard(make_rows(["c"]))

    running = read_manifest(run)
    assert running["status"] == "running"
    assert (run / "shards" / "_process-01.json").exists()
    assert list(read_run(run)["prompt_id"]) == ["a", "a", "c", "c", "b", "b", "d", "d"]

    second.finish()
    first.finish()
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert [(entry["file"], entry["process"]) for entry in manifest["shards"]] == [
        ("part-00-00000.parquet", 0), ("part-00-00001.parquet", 0),
        ("part-01-00000.parquet", 1), ("part-01-00001.parquet", 1)]
    assert not list((run / "shards").glob("_process-*.json"))
    validate_run(run)
    assert read_run(run)["prompt_id"].nunique() == 4


def test_process_one_waits_for_process_zero(tmp_path):
    with pytest.raises(InvalidInputError, match="process 0"):
        RunWriter(tmp_path / "run", SETTINGS, process_index=1, num_processes=2)


def test_a_process_index_outside_the_run_is_refused(tmp_path):
    with pytest.raises(InvalidInputError, match="process_index"):
        RunWriter(tmp_path / "run", SETTINGS, process_index=2, num_processes=2)


def test_resuming_a_two_process_run(tmp_path):
    run = tmp_path / "run"
    first = RunWriter(run, SETTINGS, process_index=0, num_processes=2)
    second = RunWriter(run, SETTINGS, process_index=1, num_processes=2)
    first.write_shard(make_rows(["a"]))
    second.write_shard(make_rows(["b"]))
    second.close()  # process 1 ended (killed) without finishing
    first.finish()

    first = RunWriter(run, SETTINGS, resume=True, process_index=0, num_processes=2)
    second = RunWriter(run, SETTINGS, resume=True, process_index=1, num_processes=2)
    assert first.done_prompt_ids == second.done_prompt_ids == {"a", "b"}
    assert read_manifest(run)["status"] == "running"
    assert second.write_shard(make_rows(["c"])).name == "part-01-00001.parquet"
    first.finish()
    assert [entry["file"] for entry in read_manifest(run)["shards"]] == [
        "part-00-00000.parquet", "part-01-00000.parquet", "part-01-00001.parquet"]
    assert read_manifest(run)["status"] == "complete"


def test_reads_check_footers_and_sizes_while_verify_and_resume_check_hashes(tmp_path, monkeypatch):
    run = write_run(tmp_path / "run", [["a"], ["b"]])
    hashed, sha256 = [], shards.file_sha256
    monkeypatch.setattr(shards, "file_sha256", lambda path: hashed.append(path.name) or sha256(path))
    read_run(run)
    list(iter_responses(run))
    summarize_run(run)
    assert hashed == [], "a read touches only footers and sizes"
    summarize_run(run, check_hashes=True)
    assert sorted(hashed) == ["part-00-00000.parquet", "part-00-00001.parquet"], "inspect --verify hashes all"
    hashed.clear()
    RunWriter(run, SETTINGS, resume=True).close()
    assert len(hashed) == 2, "a resume hashes every shard before trusting it"


def test_a_run_of_an_older_semspace_resumes_and_gains_the_new_columns(tmp_path):
    run = write_run(tmp_path / "run", [["a"]], finish=False)
    manifest = json.loads((run / "manifest.json").read_text())
    (run / "manifest.json").write_text(json.dumps({**manifest, "semspace_version": "0.0.1"}))
    old_shard = run / "shards" / "part-00-00000.parquet"
    table = pq.read_table(old_shard)
    pq.write_table(table.drop_columns(["metric_error"]).replace_schema_metadata(table.schema.metadata), old_shard)
    entry = {**manifest["shards"][0], "sha256": file_sha256(old_shard), "bytes": old_shard.stat().st_size}
    (run / "manifest.json").write_text(json.dumps({**manifest, "semspace_version": "0.0.1", "shards": [entry]}))
    resumed = RunWriter(run, SETTINGS, resume=True)
    resumed.write_shard([{**row, "metric_error": "hidden states contain NaN or inf (rows [0])"}
                         for row in make_rows(["b"])])
    resumed.finish()
    rows = read_run(run)
    assert rows.set_index(["prompt_id", "sample"])["metric_error"].isna().tolist() == [True, True, False, False]


def test_a_run_of_another_schema_version_is_refused_by_name(tmp_path):
    run = write_run(tmp_path / "run", [["a"]], finish=False)
    manifest = json.loads((run / "manifest.json").read_text())
    (run / "manifest.json").write_text(json.dumps({**manifest, "schema_version": 0}))
    with pytest.raises(InvalidInputError, match="schema version 0.*this semspace writes schema version 1"):
        RunWriter(run, SETTINGS, resume=True)
