"""The Parquet shard format of a run: schema, atomic writer, streaming reader, manifest, validation."""

from semspace.store.manifest import read_manifest
from semspace.store.reader import iter_responses, read_run, validate_run
from semspace.store.schema import SCHEMA_VERSION, hidden_type, shard_schema
from semspace.store.summary import summarize_run
from semspace.store.writer import RunWriter

__all__ = [
    "SCHEMA_VERSION",
    "RunWriter",
    "hidden_type",
    "iter_responses",
    "read_manifest",
    "read_run",
    "shard_schema",
    "summarize_run",
    "validate_run",
]
