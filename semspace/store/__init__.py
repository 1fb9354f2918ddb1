"""The Parquet shard format of a run: schema, atomic writer, streaming reader, manifest, validation."""

from semspace._lazy import lazy_exports

_EXPORTS = {
    "hidden_type": "semspace.store.schema",
    "iter_responses": "semspace.store.reader",
    "read_manifest": "semspace.store.manifest",
    "read_run": "semspace.store.reader",
    "RunWriter": "semspace.store.writer",
    "SCHEMA_VERSION": "semspace.store.schema",
    "shard_schema": "semspace.store.schema",
    "summarize_run": "semspace.store.summary",
    "validate_run": "semspace.store.reader",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
