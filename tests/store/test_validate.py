"""validate_run and the readers refuse missing, truncated, altered and future-schema runs clearly."""

import json

import pyarrow.parquet as pq
import pytest

from semspace.errors import CorruptShardError, InvalidInputError, SchemaVersionError
from semspace.store import iter_responses, read_run, validate_run
from semspace.store.manifest import file_sha256
from tests.store.rows import write_run


@pytest.fixture
def run(tmp_path):
    return write_run(tmp_path / "run", [["a"], ["b"]])


def edit_manifest(run, change):
    manifest = json.loads((run / "manifest.json").read_text())
    change(manifest)
    (run / "manifest.json").write_text(json.dumps(manifest))


def test_an_intact_run_validates(run):
    manifest = validate_run(run)
    files = [entry["file"] for entry in manifest["shards"]]
    assert files == ["part-00-00000.parquet", "part-00-00001.parquet"]


def test_a_missing_run_folder_is_named(tmp_path):
    with pytest.raises(InvalidInputError, match="No run folder"):
        validate_run(tmp_path / "nowhere")


def test_a_folder_without_manifest_is_not_a_run(tmp_path):
    (tmp_path / "plain").mkdir()
    with pytest.raises(InvalidInputError, match="not a semspace run"):
        read_run(tmp_path / "plain")


def test_a_truncated_shard_is_named_with_the_fix(run):
    shard = run / "shards" / "part-00-00001.parquet"
    shard.write_bytes(shard.read_bytes()[:-50])
    for check in (lambda: validate_run(run, check_hashes=False), lambda: read_run(run),
                  lambda: iter_responses(run)):
        with pytest.raises(CorruptShardError, match=r"part-00-00001\.parquet.*--resume"):
            check()


def test_a_truncated_shard_is_caught_even_without_a_recorded_size(run):
    edit_manifest(run, lambda manifest: [entry.pop("bytes") for entry in manifest["shards"]])
    shard = run / "shards" / "part-00-00000.parquet"
    shard.write_bytes(shard.read_bytes()[:-50])
    with pytest.raises(CorruptShardError, match=r"part-00-00000\.parquet is not readable Parquet"):
        validate_run(run, check_hashes=False)


def test_a_shard_replaced_by_other_bytes_fails_its_hash(run):
    shard = run / "shards" / "part-00-00000.parquet"
    data = bytearray(shard.read_bytes())
    data[10] ^= 0xFF
    shard.write_bytes(bytes(data))
    validate_run(run, check_hashes=False)
    with pytest.raises(CorruptShardError, match=r"part-00-00000\.parquet does not match the sha256"):
        validate_run(run)


def test_a_shard_that_is_not_parquet_is_named(run):
    shard = run / "shards" / "part-00-00000.parquet"
    shard.write_bytes(b"x" * shard.stat().st_size)
    with pytest.raises(CorruptShardError, match=r"part-00-00000\.parquet is not readable Parquet"):
        validate_run(run, check_hashes=False)


def test_a_listed_shard_that_is_gone_is_named(run):
    (run / "shards" / "part-00-00001.parquet").unlink()
    with pytest.raises(CorruptShardError, match=r"part-00-00001\.parquet is listed .* but missing"):
        validate_run(run)


def test_a_manifest_of_a_newer_schema_asks_for_an_upgrade(run):
    edit_manifest(run, lambda manifest: manifest.update(schema_version=2, semspace_version="9.0.0"))
    with pytest.raises(SchemaVersionError, match="semspace 9.0.0.*[Uu]pgrade semspace"):
        read_run(run)


def test_a_shard_of_a_newer_schema_asks_for_an_upgrade(run):
    shard = run / "shards" / "part-00-00000.parquet"
    table = pq.read_table(shard)
    fields = json.loads(table.schema.metadata[b"semspace"])
    fields.update(schema_version=2, semspace_version="9.0.0")
    pq.write_table(table.replace_schema_metadata({b"semspace": json.dumps(fields).encode()}), shard)

    def relist(manifest):
        manifest["shards"][0].update(sha256=file_sha256(shard), bytes=shard.stat().st_size)

    edit_manifest(run, relist)
    with pytest.raises(SchemaVersionError, match=r"part-00-00000\.parquet.*semspace 9\.0\.0"):
        validate_run(run)


def test_a_manifest_that_is_not_json_is_named(run):
    (run / "manifest.json").write_text("{half")
    with pytest.raises(InvalidInputError, match="manifest.json is not valid JSON"):
        validate_run(run)
