"""The shard schema: DESIGN column types, hidden columns, caller columns, refusals."""

import math

import numpy as np
import pyarrow as pa
import pytest

from semspace.errors import InvalidInputError
from semspace.store import SCHEMA_VERSION, hidden_type, shard_schema
from semspace.store.schema import infer_schema, rows_to_table, schema_metadata
from tests.store.rows import make_rows

FLOATS = ["er", "erv", "era", "trad_rank", "matrix_entropy", "curvature", "mean_token_entropy",
          "mean_logprob", "perplexity", "mean_top1_prob", "response_entropy"]


def test_schema_version_is_one():
    assert SCHEMA_VERSION == 1


def test_design_columns_have_design_types():
    schema = shard_schema()
    expected = {
        "prompt_id": pa.string(), "sample": pa.int32(), "problem": pa.string(), "prompt": pa.string(),
        "response": pa.string(), "answer": pa.string(), "prediction": pa.string(), "correct": pa.bool_(),
        "reward": pa.float32(), "n_tokens": pa.int32(), "finish_reason": pa.string(),
        "response_token_ids": pa.list_(pa.int32()), "token_logprob": pa.list_(pa.float32()),
        "token_entropy": pa.list_(pa.float32()), "prefix_er": pa.list_(pa.float64()), "metric_error": pa.string(),
        **{name: pa.float64() for name in FLOATS},
    }
    assert {field.name: field.type for field in schema} == expected
    assert not schema.field("prompt_id").nullable
    assert schema.field("answer").nullable and schema.field("correct").nullable


def test_hidden_columns_are_lists_of_fixed_size_vectors():
    schema = shard_schema(hidden={"hidden": (8, "float16"), "hidden_l12": (8, "float32")})
    assert schema.field("hidden").type == pa.list_(pa.list_(pa.float16(), 8))
    assert schema.field("hidden_l12").type == pa.list_(pa.list_(pa.float32(), 8))
    assert pa.types.is_fixed_size_list(schema.field("hidden").type.value_type)


def test_inferred_schema_reads_hidden_shape_step_and_caller_columns():
    rows = make_rows(["p1"], hidden=True)
    for row in rows:
        row.update(step=5, seed=11, split="test")
    schema = infer_schema(rows, metadata={"schema_version": 1})
    assert schema.field("hidden").type == hidden_type(8, "float16")
    assert schema.field("hidden_l1").type == hidden_type(8, "float32")
    assert schema.field("step").type == pa.int32()
    assert schema.field("level").type == pa.int64()
    assert schema.field("seed").type == pa.int64()
    assert schema.field("split").type == pa.string()
    assert schema_metadata(schema) == {"schema_version": 1}


def test_nan_stays_nan_and_none_becomes_null():
    rows = make_rows(["p1x"])
    table = rows_to_table(rows, infer_schema(rows))
    er = table.column("er")
    assert er.null_count == 0 and math.isnan(er[1].as_py())
    assert table.column("answer").null_count == 2
    assert table.column("correct").null_count == 2
    assert table.column("era").null_count == 2


def test_list_values_survive_exactly():
    rows = make_rows(["p1", "p2"])
    table = rows_to_table(rows, infer_schema(rows))
    for index, row in enumerate(rows):
        stored = np.asarray(table.column("token_logprob")[index].as_py(), dtype=np.float32)
        assert np.array_equal(stored, row["token_logprob"])


def test_a_row_without_prompt_id_is_refused():
    rows = make_rows(["p1"])
    del rows[1]["prompt_id"]
    with pytest.raises(InvalidInputError, match="prompt_id"):
        rows_to_table(rows, infer_schema(rows))


@pytest.mark.parametrize("bad", [np.zeros(8, np.float16), np.zeros((2, 3, 8), np.float16)])
def test_hidden_must_be_two_dimensional(bad):
    rows = make_rows(["p1"], hidden=True)
    rows[0]["hidden"] = bad
    with pytest.raises(InvalidInputError, match="hidden"):
        rows_to_table(rows, infer_schema(rows))


def test_hidden_of_another_width_is_refused():
    rows = make_rows(["p1"], hidden=True)
    rows[1]["hidden"] = np.zeros((2, 5), np.float16)
    with pytest.raises(InvalidInputError, match=r"\(T, 8\)"):
        rows_to_table(rows, infer_schema(rows))


def test_float64_hidden_is_refused():
    rows = make_rows(["p1"], hidden=True)
    for row in rows:
        row["hidden"] = row["hidden"].astype(np.float64)
    with pytest.raises(InvalidInputError, match="float16 or float32|float16', 'float32"):
        infer_schema(rows)


def test_a_value_of_the_wrong_type_names_its_column():
    rows = make_rows(["p1"])
    rows[0]["n_tokens"] = "many"
    with pytest.raises(InvalidInputError, match="n_tokens"):
        rows_to_table(rows, infer_schema(rows))
