"""Reading a run: validate it, then load its rows as a DataFrame or stream them one response at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from semspace.errors import InvalidInputError
from semspace.store.manifest import SHARDS, read_manifest
from semspace.store.schema import is_hidden_column, shard_schema
from semspace.store.shards import check_shard


def validate_run(run, *, check_hashes: bool = True) -> dict:
    """Check each listed shard is present, of its listed size and row count, with a readable Parquet footer and
    schema, and (with `check_hashes`, reading every byte) unchanged since written; return the manifest."""
    manifest = read_manifest(run)
    for entry in manifest["shards"]:
        check_shard(Path(run) / SHARDS / entry["file"], entry, check_hashes=check_hashes)
    return manifest


def read_run(run, columns: Sequence[str] | None = None, hidden: bool = False, *,
             check_hashes: bool = False) -> pd.DataFrame:
    """All rows of a run in shard order; hidden states only when asked for, as one (T, d) array per row.

    Shards are checked cheaply (size, row count, Parquet footer); `check_hashes` also compares their sha256, which
    reads every byte (`semspace inspect --verify` does; a resume always does).
    """
    paths = _shard_paths(run, validate_run(run, check_hashes=check_hashes))
    wanted = _wanted_columns(run, paths, columns, hidden)
    tables = [pq.read_table(path, columns=_present(path, wanted)) for path in paths]
    if tables:
        table = pa.concat_tables(tables, promote_options="default")
    else:
        table = shard_schema().empty_table().select(wanted)
    hidden_names = [name for name in wanted if is_hidden_column(name)]
    frame = table.drop_columns(hidden_names).to_pandas()
    for name in hidden_names:
        frame[name] = _object_series(_chunked_row_arrays(table.column(name)))
    return frame[wanted]


def iter_responses(run, columns: Sequence[str] | None = None, batch_size: int = 64, *, hidden: bool = False,
                   check_hashes: bool = False) -> Iterator[dict]:
    """One dict per response, read `batch_size` rows at a time so memory stays bounded however large the run.

    The run is validated now (hashes only when asked: they mean reading every byte twice); rows come lazily.
    List columns come as numpy arrays, hidden states as (T, d) arrays.
    """
    paths = _shard_paths(run, validate_run(run, check_hashes=check_hashes))
    return _stream(paths, _wanted_columns(run, paths, columns, hidden), batch_size)


def _stream(paths: list[Path], wanted: list[str], batch_size: int) -> Iterator[dict]:
    """Yield rows shard by shard, batch by batch; a column a shard lacks reads as None."""
    for path in paths:
        present = _present(path, wanted)
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=present):
            values = {name: _python_values(batch.column(name)) for name in present}
            missing = [None] * batch.num_rows
            for index in range(batch.num_rows):
                yield {name: values.get(name, missing)[index] for name in wanted}


def _shard_paths(run, manifest: dict) -> list[Path]:
    """The shard files of a run in row order."""
    return [Path(run) / SHARDS / entry["file"] for entry in manifest["shards"]]


def _wanted_columns(run, paths: list[Path], columns: Sequence[str] | None, hidden: bool) -> list[str]:
    """The columns to read: those asked for (refusing unknown ones), else all but hidden unless `hidden`."""
    available = _available_columns(paths)
    if columns is None:
        return [name for name in available if hidden or not is_hidden_column(name)]
    unknown = [name for name in columns if name not in available]
    if unknown:
        raise InvalidInputError(f"The run in {run} has no column {unknown}.",
                                f"Choose from: {', '.join(available)}.")
    extra_hidden = [name for name in available if hidden and is_hidden_column(name) and name not in columns]
    return list(columns) + extra_hidden


def run_columns(run, manifest: dict | None = None) -> list[str]:
    """Every column any shard of the run holds (read from the Parquet footers only)."""
    return _available_columns(_shard_paths(run, manifest or read_manifest(run)))


def _available_columns(paths: list[Path]) -> list[str]:
    """Columns of any shard, in first-seen order; the DESIGN columns when the run has no shard yet."""
    if not paths:
        return shard_schema().names
    return list(dict.fromkeys(name for path in paths for name in pq.read_schema(path).names))


def _present(path: Path, wanted: list[str]) -> list[str]:
    """The wanted columns this shard has."""
    names = set(pq.read_schema(path).names)
    return [name for name in wanted if name in names]


def _python_values(array: pa.Array) -> list:
    """A column's per-row values: numpy arrays for list columns, Python scalars otherwise."""
    return _row_arrays(array) if pa.types.is_list(array.type) else array.to_pylist()


def _chunked_row_arrays(column: pa.ChunkedArray) -> list:
    """Per-row numpy arrays of a list column spread over chunks."""
    return [row for chunk in column.chunks for row in _row_arrays(chunk)]


def _row_arrays(array: pa.ListArray) -> list:
    """Per-row numpy views of a list column: 1-D for token lists, (T, d) for hidden states; nulls are None."""
    children = array.values
    if pa.types.is_fixed_size_list(children.type):
        flat = children.flatten().to_numpy(zero_copy_only=False).reshape(-1, children.type.list_size)
    else:
        flat = children.to_numpy(zero_copy_only=False)
    offsets = array.offsets.to_numpy()
    valid = array.is_valid().to_numpy(zero_copy_only=False)
    return [flat[offsets[i]:offsets[i + 1]] if valid[i] else None for i in range(len(array))]


def _object_series(values: list) -> np.ndarray:
    """An object column holding arrays as they are (pandas would try to stack equal-shaped ones)."""
    column = np.empty(len(values), dtype=object)
    for index, value in enumerate(values):
        column[index] = value
    return column
