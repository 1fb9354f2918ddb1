"""The shard schema: one Parquet row per response, typed explicitly so every shard of a run reads alike."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa

from semspace.errors import InvalidInputError

SCHEMA_VERSION = 1
METADATA_KEY = b"semspace"

SCALAR_METRICS = (
    "er", "erv", "era", "trad_rank", "matrix_entropy", "curvature", "mean_token_entropy",
    "mean_logprob", "perplexity", "mean_top1_prob", "response_entropy",
)
REQUIRED_COLUMNS = ("prompt_id", "sample")
BASE_COLUMNS: dict[str, pa.DataType] = {
    "prompt_id": pa.string(),
    "sample": pa.int32(),
    "problem": pa.string(),
    "prompt": pa.string(),
    "response": pa.string(),
    "answer": pa.string(),
    "prediction": pa.string(),
    "correct": pa.bool_(),
    "reward": pa.float32(),
    "n_tokens": pa.int32(),
    "finish_reason": pa.string(),
    "response_token_ids": pa.list_(pa.int32()),
    "token_logprob": pa.list_(pa.float32()),
    "token_entropy": pa.list_(pa.float32()),
    **{name: pa.float64() for name in SCALAR_METRICS},
    "prefix_er": pa.list_(pa.float64()),
    "metric_error": pa.string(),  # why a response's metrics are NaN (non-finite states or logits); null when none
}
OPTIONAL_COLUMNS: dict[str, pa.DataType] = {"step": pa.int32()}
HIDDEN_DTYPES = {"float16": pa.float16(), "float32": pa.float32()}
_HIDDEN_NAME = re.compile(r"hidden(_l\d+)?")


def is_hidden_column(name: str) -> bool:
    """Hidden-state columns are `hidden` (the captured layer) and `hidden_l<L>` (extra layers)."""
    return _HIDDEN_NAME.fullmatch(name) is not None


def hidden_type(dim: int, dtype: str = "float16") -> pa.DataType:
    """One response's hidden states: a list over tokens of fixed-size vectors of width `dim`."""
    if dtype not in HIDDEN_DTYPES:
        raise InvalidInputError(f"hidden dtype must be one of {sorted(HIDDEN_DTYPES)}, got {dtype!r}.",
                                "Capture hidden states as float16 or float32.")
    return pa.list_(pa.list_(HIDDEN_DTYPES[dtype], dim))


def shard_schema(
    hidden: Mapping[str, tuple[int, str]] | None = None,
    extra: Mapping[str, pa.DataType] | None = None,
    metadata: Mapping | None = None,
) -> pa.Schema:
    """The DESIGN columns, hidden columns {name: (d, dtype)}, caller columns; manifest fields as metadata."""
    fields = [pa.field(name, kind, nullable=name not in REQUIRED_COLUMNS)
              for name, kind in BASE_COLUMNS.items()]
    fields += [pa.field(name, hidden_type(*spec)) for name, spec in (hidden or {}).items()]
    fields += [pa.field(name, kind) for name, kind in (extra or {}).items()]
    schema = pa.schema(fields)
    return with_manifest(schema, metadata) if metadata is not None else schema


def with_base_columns(schema: pa.Schema) -> pa.Schema:
    """A run's schema with the base columns a newer semspace added (nullable), so a resume can write them; readers
    see them as null in the older shards."""
    for name, kind in BASE_COLUMNS.items():
        if name not in schema.names:
            schema = schema.append(pa.field(name, kind))
    return schema


def with_manifest(schema: pa.Schema, fields: Mapping) -> pa.Schema:
    """Attach manifest fields as the `semspace` key-value metadata, so a shard explains itself."""
    return schema.with_metadata({METADATA_KEY: json.dumps(fields, sort_keys=True).encode()})


def infer_schema(rows: Sequence[Mapping], metadata: Mapping | None = None) -> pa.Schema:
    """Schema of rows: DESIGN types for known columns, d and dtype of hidden arrays, else Arrow's guess."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    hidden, extra = {}, {}
    for name in names:
        if name in BASE_COLUMNS:
            continue
        values = [row.get(name) for row in rows]
        if is_hidden_column(name):
            hidden[name] = _hidden_spec(name, values)
        elif name in OPTIONAL_COLUMNS:
            extra[name] = OPTIONAL_COLUMNS[name]
        else:
            extra[name] = _inferred_type(name, values)
    return shard_schema(hidden, extra, metadata)


def rows_to_table(rows: Sequence[Mapping], schema: pa.Schema) -> pa.Table:
    """A table of `schema` from row dicts: a column a row lacks is null there; unknown columns are refused."""
    unknown = sorted({name for row in rows for name in row} - set(schema.names))
    if unknown:
        raise InvalidInputError(f"Rows hold columns {unknown} that earlier shards of this run do not have.",
                                "Give every shard of a run the same columns.")
    return pa.Table.from_arrays([_column(field, [row.get(field.name) for row in rows]) for field in schema],
                                schema=schema)


def schema_metadata(schema: pa.Schema) -> dict:
    """The manifest fields a shard carries in its key-value metadata ({} when it has none)."""
    raw = (schema.metadata or {}).get(METADATA_KEY)
    return json.loads(raw) if raw else {}


def _hidden_spec(name: str, values: list) -> tuple[int, str]:
    """(d, dtype) of a hidden column, read from its first array."""
    first = next((np.asarray(value) for value in values if value is not None), None)
    if first is None or first.ndim != 2:
        raise InvalidInputError(f"Column {name!r} must hold (T, d) arrays of hidden states.",
                                "Pass each response's hidden states as a 2-D numpy array.")
    return first.shape[1], first.dtype.name


def _inferred_type(name: str, values: list) -> pa.DataType:
    """Arrow's own type for a column the schema does not know (e.g. `level`, `seed`)."""
    try:
        return pa.array(values, from_pandas=False).type
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise InvalidInputError(f"Column {name!r} mixes values Arrow cannot store together: {error}.",
                                "Give the column one type (numbers, strings or booleans).") from None


def _column(field: pa.Field, values: list) -> pa.Array:
    """One column as an Arrow array; numeric lists go through numpy so they stay exact and fast."""
    if not field.nullable and any(value is None for value in values):
        raise InvalidInputError(f"Every row needs a {field.name!r}.", f"Set {field.name!r} in each row dict.")
    try:
        if pa.types.is_list(field.type):
            return _list_array(field.name, values, field.type.value_type)
        return pa.array(values, type=field.type, from_pandas=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError, TypeError) as error:
        raise InvalidInputError(f"Column {field.name!r} cannot be stored as {field.type}: {error}.",
                                "Pass values of the column's type (semspace.store.shard_schema).") from None


def _list_array(name: str, values: list, value_type: pa.DataType) -> pa.Array:
    """A list column from per-row arrays (1-D, or (T, d) for hidden states); None rows become nulls."""
    width = value_type.list_size if pa.types.is_fixed_size_list(value_type) else None
    element_type = value_type.value_type if width else value_type
    dtype = element_type.to_pandas_dtype()
    arrays = [np.asarray(value, dtype=dtype) if value is not None else None for value in values]
    expected_shape = 2 if width else 1
    for array in arrays:
        if array is not None and (array.ndim != expected_shape or (width and array.shape[1] != width)):
            shape = f"(T, {width})" if width else "1-D"
            raise InvalidInputError(f"Column {name!r} needs {shape} arrays, got shape {array.shape}.",
                                    f"Pass {shape} arrays in {name!r}.")
    lengths = [len(array) if array is not None else 0 for array in arrays]
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]), type=pa.int32())
    present = [array.reshape(-1) for array in arrays if array is not None]
    flat = pa.array(np.concatenate(present) if present else np.empty(0, dtype), type=element_type)
    children = pa.FixedSizeListArray.from_arrays(flat, width) if width else flat
    missing = [array is None for array in arrays]
    mask = pa.array(missing) if any(missing) else None
    return pa.ListArray.from_arrays(offsets, children, type=pa.list_(value_type), mask=mask)
