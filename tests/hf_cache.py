"""A real Hugging Face Hub cache on disk, laid out as `hf download --repo-type dataset` leaves it.

datasets--<org>--<name>/blobs/<sha256> holds each file once, snapshots/<commit>/<path> links to its blob, and
refs/main names the commit: the layout huggingface_hub's own offline lookup reads, so tests exercise the real
library against small files instead of a stand-in for it.
"""

import hashlib
import io
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as parquet
import yaml

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def parquet_bytes(records: list[dict]) -> bytes:
    """Records as one Parquet file, the format of most Hub datasets."""
    buffer = io.BytesIO()
    parquet.write_table(pa.Table.from_pylist(records), buffer)
    return buffer.getvalue()


def jsonl_bytes(records: list[dict]) -> bytes:
    """Records as JSON Lines."""
    return "".join(json.dumps(record) + "\n" for record in records).encode()


def card(configs: list[dict] | None = None) -> bytes:
    """A dataset card: a YAML header (with `configs` when given) and a line of text."""
    header = {"language": ["en"], **({"configs": configs} if configs else {})}
    return f"---\n{yaml.safe_dump(header)}---\n\n# A dataset\n".encode()


def add_dataset(cache: Path, repo_id: str, files: dict[str, bytes], commit: str = COMMIT) -> Path:
    """Put `files` (path in the repository -> bytes) into `cache` as the main revision of dataset `repo_id`."""
    repo = cache / ("datasets--" + repo_id.replace("/", "--"))
    snapshot = repo / "snapshots" / commit
    for name, data in files.items():
        blob = repo / "blobs" / hashlib.sha256(data).hexdigest()
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(data)
        link = snapshot / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(commit)
    return snapshot
