"""The run folder's bookkeeping: manifest.json, per-process shard lists, atomic JSON writes, version checks.

While a multi-process run is `running`, process 0's shards are listed in manifest.json and process p's in
shards/_process-<p>.json; `finish` merges them into manifest.json. Readers merge whatever they find.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from semspace import __version__
from semspace.errors import InvalidInputError, SchemaVersionError
from semspace.store.schema import SCHEMA_VERSION

MANIFEST = "manifest.json"
SHARDS = "shards"
BOOKKEEPING = ("semspace_version", "schema_version", "status", "created", "updated", "shards")
# Not what makes two runs the same: bookkeeping; the versions (a resume checks the schema version apart: the package
# version may change between an interruption and its resume); `runtime`: how this machine ran the run (why this
# dtype, where metrics ran), which a resume elsewhere may change.
NOT_SETTINGS = ("semspace_version", "schema_version", "status", "created", "updated", "shards", "runtime")
RUN_FIX = "Pass the --out folder of a semspace collect or train run."


def fragment_path(run: Path, process: int) -> Path:
    """Where process `process` lists its shards while the run is running."""
    return run / SHARDS / f"_process-{process:02d}.json"


def fragment_paths(run: Path) -> list[Path]:
    """Every per-process shard list in a run, in process order."""
    return sorted((run / SHARDS).glob("_process-*.json"))


def now() -> str:
    """A UTC timestamp for the manifest, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def as_json(data):
    """`data` as it will read back from JSON (tuples become lists), so comparisons see what is stored."""
    return json.loads(json.dumps(data))


def write_json_atomic(path: Path, data: dict) -> None:
    """Write JSON under a temporary name, fsync, rename: a reader sees the old file or the new, never half."""
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable, so a crash cannot bring back the old name."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_json(path: Path) -> dict:
    """A bookkeeping file's contents, or a clear error if it is not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidInputError(f"{path} is not valid JSON ({error}).",
                                "Restore it from a backup; semspace never leaves it half-written.") from None


def read_manifest(run) -> dict:
    """The run's manifest with every process's shards merged in, sorted by file name (the run's row order)."""
    run = Path(run)
    if not run.is_dir():
        raise InvalidInputError(f"No run folder at {run}.", RUN_FIX)
    path = run / MANIFEST
    if not path.is_file():
        raise InvalidInputError(f"{run} is not a semspace run: it has no {MANIFEST}.", RUN_FIX)
    manifest = load_json(path)
    check_schema_version(manifest, where=str(path))
    shards = {entry["file"]: entry for entry in manifest.get("shards", [])}
    for fragment in fragment_paths(run):
        for entry in load_json(fragment)["shards"]:
            shards.setdefault(entry["file"], entry)
    manifest["shards"] = sorted(shards.values(), key=lambda entry: entry["file"])
    return manifest


def check_schema_version(fields: dict, *, where: str) -> None:
    """Refuse data written with a newer schema than this semspace reads."""
    version = fields.get("schema_version")
    if not isinstance(version, int):
        raise InvalidInputError(f"{where} has no integer schema_version: semspace did not write it.", RUN_FIX)
    if version > SCHEMA_VERSION:
        writer = fields.get("semspace_version", "?")
        raise SchemaVersionError(
            f"{where} was written by semspace {writer} with schema version {version};"
            f" semspace {__version__} reads schema version {SCHEMA_VERSION} and older.",
            "Upgrade semspace (pip install -U semspace) to read it.")


def shard_fields(manifest: dict) -> dict:
    """What each shard carries of the manifest in its Parquet metadata: all but the parts that change as it runs."""
    return as_json({key: value for key, value in manifest.items() if key not in ("status", "updated", "shards")})


def settings(manifest: dict) -> dict:
    """What makes two runs the same run: every manifest field except status, timestamps and the shard list."""
    return as_json({key: value for key, value in manifest.items() if key not in NOT_SETTINGS})


def differing_keys(old: dict, new: dict) -> list[str]:
    """Top-level setting names whose values differ between two manifests."""
    old, new, absent = settings(old), settings(new), object()
    return sorted(key for key in old.keys() | new.keys() if old.get(key, absent) != new.get(key, absent))
