"""Shard files: names, atomic writing, the manifest entry describing one, and checking one against it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from semspace.errors import CorruptShardError
from semspace.store.manifest import check_schema_version, file_sha256, fsync_dir
from semspace.store.schema import schema_metadata

SHARD_NAME = re.compile(r"part-(\d{2})-(\d{5})\.parquet")
ROW_GROUP_BYTES = 64 << 20
CORRUPT_FIX = ("Rerun the same command with --resume to rewrite it, "
               "or delete its entry from the run's manifest to read the rest.")


def shard_name(process: int, number: int) -> str:
    """The file name of shard `number` of process `process`; sorting names gives the run's row order."""
    return f"part-{process:02d}-{number:05d}.parquet"


def shard_numbers(folder: Path, process: int) -> list[int]:
    """Numbers already used by `process` in `folder`, including quarantined and orphaned shard files."""
    prefix = f"part-{process:02d}-"
    return [int(match.group(2)) for path in folder.glob(f"{prefix}*")
            if (match := SHARD_NAME.match(path.name))]


def write_table_atomic(table: pa.Table, path: Path) -> None:
    """Write a zstd Parquet file under a temporary name, fsync it, then rename it into place."""
    temporary = temporary_path(path)
    rows_per_group = max(1, ROW_GROUP_BYTES * table.num_rows // max(table.nbytes, 1))
    pq.write_table(table, temporary, compression="zstd", row_group_size=rows_per_group)
    descriptor = os.open(temporary, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temporary, path)
    fsync_dir(path.parent)


def temporary_path(path: Path) -> Path:
    """The hidden name a shard is written under before it is complete."""
    return path.with_name(f".{path.name}.tmp")


def describe_shard(path: Path, process: int) -> dict:
    """The manifest entry of a written shard: enough to find, count and verify it without opening it."""
    prompt_ids = read_prompt_ids(path)
    return {
        "file": path.name,
        "rows": pq.read_metadata(path).num_rows,
        "prompts": len(prompt_ids),
        "sha256": file_sha256(path),
        "bytes": path.stat().st_size,
        "process": process,
    }


def read_prompt_ids(path: Path) -> set[str]:
    """The prompts a shard holds (one column read)."""
    return set(pq.read_table(path, columns=["prompt_id"]).column("prompt_id").to_pylist())


def check_shard(path: Path, entry: dict, *, check_hashes: bool) -> None:
    """Refuse a shard that is missing, truncated, not Parquet, of a newer schema, or not the one listed."""
    if not path.is_file():
        raise CorruptShardError(f"Shard {path} is listed in the manifest but missing.", CORRUPT_FIX)
    size = path.stat().st_size
    if "bytes" in entry and size != entry["bytes"]:
        raise CorruptShardError(f"Shard {path} is {size} bytes but the manifest says {entry['bytes']}"
                                " (truncated or replaced).", CORRUPT_FIX)
    try:
        metadata = pq.read_metadata(path)
    except (pa.ArrowException, OSError) as error:
        raise CorruptShardError(f"Shard {path} is not readable Parquet ({error}).", CORRUPT_FIX) from None
    fields = schema_metadata(metadata.schema.to_arrow_schema())
    if fields:
        check_schema_version(fields, where=f"Shard {path}")
    if metadata.num_rows != entry["rows"]:
        raise CorruptShardError(f"Shard {path} holds {metadata.num_rows} rows but the manifest says"
                                f" {entry['rows']}.", CORRUPT_FIX)
    if check_hashes and file_sha256(path) != entry["sha256"]:
        raise CorruptShardError(f"Shard {path} does not match the sha256 in the manifest.", CORRUPT_FIX)
