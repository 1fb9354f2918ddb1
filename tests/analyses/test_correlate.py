"""correlate against scipy and hand computations: coefficients, p-values, R², bootstrap, partials, NaN, groups."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from semspace.analyses import correlate, correlation_table, group_labels, load_runs, numeric_columns, write_table
from semspace.errors import InvalidInputError
from tests.analyses.synthetic import write_run


@pytest.fixture(scope="module")
def frame():
    """80 responses: y depends on x and length, z is noise; a few NaNs; correct with some ungraded."""
    rng = np.random.default_rng(3)
    n = 80
    length = rng.integers(10, 600, n)
    x = rng.normal(size=n) + length / 300
    y = 0.5 * x - length / 200 + rng.normal(scale=0.7, size=n)
    frame = pd.DataFrame({"x": x, "y": y, "z": rng.normal(size=n), "n_tokens": length,
                          "correct": pd.Series([True, False, None, True] * 20, dtype=object)})
    frame.loc[[3, 17], "x"] = np.nan
    frame.loc[[17, 40, 41], "y"] = np.nan
    return frame


def _complete(frame, *columns):
    values = frame[list(columns)].astype(float)
    return values[values.notna().all(axis=1)]


@pytest.mark.parametrize("method,oracle", [("pearson", stats.pearsonr), ("spearman", stats.spearmanr),
                                           ("kendall", stats.kendalltau)])
def test_coefficient_and_p_value_equal_scipy(frame, method, oracle):
    row = correlate(frame, "x", "y", methods=[method], bootstrap=0).iloc[0]
    data = _complete(frame, "x", "y")
    expected = oracle(data["x"], data["y"])
    assert row["n"] == len(data) == 76 and row["dropped"] == 4
    assert row["coefficient"] == pytest.approx(expected.statistic, abs=1e-12)
    assert row["p_value"] == pytest.approx(expected.pvalue, rel=1e-9)


def test_pearson_r2_slope_and_intercept_equal_linregress(frame):
    row = correlate(frame, "x", "y", bootstrap=0).iloc[0]
    data = _complete(frame, "x", "y")
    fit = stats.linregress(data["x"], data["y"])
    assert row["r2"] == pytest.approx(fit.rvalue**2, abs=1e-12)
    assert row["slope"] == pytest.approx(fit.slope, abs=1e-12)
    assert row["intercept"] == pytest.approx(fit.intercept, abs=1e-12)


def test_bootstrap_interval_contains_estimate_and_is_reproducible(frame):
    methods = ["pearson", "spearman", "kendall"]
    first = correlate(frame, "x", "y", methods=methods, bootstrap=300, seed=5)
    again = correlate(frame, "x", "y", methods=methods, bootstrap=300, seed=5)
    other = correlate(frame, "x", "y", methods=methods, bootstrap=300, seed=6)
    assert (first["ci_low"] < first["coefficient"]).all() and (first["coefficient"] < first["ci_high"]).all()
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["ci_low"], other["ci_low"])
    narrow = correlate(frame, "x", "y", bootstrap=300, seed=5, confidence=0.5).iloc[0]
    assert first["ci_low"][0] < narrow["ci_low"] < narrow["ci_high"] < first["ci_high"][0]


def _residual(values, controls):
    design = np.column_stack([np.ones(len(values)), controls])
    return values - design @ np.linalg.lstsq(design, values, rcond=None)[0]


def test_partial_pearson_equals_residual_correlation(frame):
    row = correlate(frame, "x", "y", control=["n_tokens", "z"], bootstrap=0).iloc[0]
    data = _complete(frame, "x", "y", "n_tokens", "z").to_numpy()
    rx, ry = _residual(data[:, 0], data[:, 2:]), _residual(data[:, 1], data[:, 2:])
    r = np.corrcoef(rx, ry)[0, 1]
    dof = len(data) - 4
    t = r * np.sqrt(dof / (1 - r * r))
    assert row["control"] == "n_tokens,z" and row["n"] == len(data)
    assert row["coefficient"] == pytest.approx(r, abs=1e-12)
    assert row["p_value"] == pytest.approx(2 * stats.t.sf(abs(t), dof), rel=1e-9)
    full = np.linalg.lstsq(np.column_stack([np.ones(len(data)), data[:, [0, 2, 3]]]), data[:, 1], rcond=None)[0]
    assert row["slope"] == pytest.approx(full[1], rel=1e-9) and row["r2"] == pytest.approx(r * r)


def test_partial_spearman_uses_ranks(frame):
    row = correlate(frame, "x", "y", methods=["spearman"], control=["n_tokens"], bootstrap=0).iloc[0]
    data = _complete(frame, "x", "y", "n_tokens").to_numpy()
    ranks = [stats.rankdata(data[:, i]) for i in range(3)]
    expected = np.corrcoef(_residual(ranks[0], ranks[2][:, None]), _residual(ranks[1], ranks[2][:, None]))[0, 1]
    assert row["coefficient"] == pytest.approx(expected, abs=1e-12)


def test_controlling_for_length_removes_a_length_driven_correlation():
    rng = np.random.default_rng(0)
    length = rng.uniform(10, 500, 300)
    frame = pd.DataFrame({"a": length + rng.normal(scale=20, size=300),
                          "b": -length + rng.normal(scale=20, size=300), "n_tokens": length})
    plain = correlate(frame, "a", "b", bootstrap=0).iloc[0]["coefficient"]
    partial = correlate(frame, "a", "b", control=["n_tokens"], bootstrap=0).iloc[0]["coefficient"]
    assert plain < -0.9 and abs(partial) < 0.2


def test_nan_rows_are_dropped_and_counted_per_group(frame):
    table = correlate(frame, "x", "y", by="correct", bootstrap=0)
    assert list(table["group"]) == ["False", "True", "missing"]
    assert table["n"].sum() + table["dropped"].sum() == len(frame)
    assert table["dropped"].sum() == 4
    labels = group_labels(frame, "correct")
    for row in table.itertuples():
        members = _complete(frame[(labels == row.group).to_numpy()], "x", "y")
        assert row.n == len(members)
        assert row.coefficient == pytest.approx(stats.pearsonr(members["x"], members["y"]).statistic)


def test_groups_are_sorted_unless_the_column_is_categorical():
    frame = pd.DataFrame({"run": ["b", "c", "a", None], "x": [1.0, 2.0, 3.0, 4.0]})
    assert list(group_labels(frame, "run").cat.categories) == ["a", "b", "c", "missing"]
    frame["run"] = pd.Categorical(frame["run"], categories=["c", "unused", "a", "b"])
    assert list(group_labels(frame, "run")) == ["b", "c", "a", "missing"]
    assert list(group_labels(frame, "run").cat.categories) == ["c", "a", "b", "missing"]


@pytest.mark.parametrize("options,groups", [({"length_bins": 3}, 3), ({}, 4),
                                            ({"length_edges": [100, 300]}, 3)])
def test_length_strata_partition_the_rows(frame, options, groups):
    table = correlate(frame, "x", "y", by="length", bootstrap=0, **options)
    assert len(table) == groups
    assert table["n"].sum() + table["dropped"].sum() == len(frame)
    if "length_edges" in options:
        assert list(table["group"]) == ["(-inf, 100]", "(100, 300]", "(300, inf]"]
        assert table["n"].iloc[0] + table["dropped"].iloc[0] == (frame["n_tokens"] <= 100).sum()


def test_several_metrics_give_every_pair_and_methods(frame):
    table = correlation_table(frame, ["x", "y", "z"], methods=["pearson", "kendall"], bootstrap=0)
    assert list(zip(table["x"], table["y"], table["method"])) == [
        ("x", "y", "pearson"), ("x", "y", "kendall"), ("x", "z", "pearson"), ("x", "z", "kendall"),
        ("y", "z", "pearson"), ("y", "z", "kendall")]
    assert table.loc[table["method"] == "kendall", "r2"].isna().all()


@pytest.mark.parametrize("kwargs,needle", [
    ({"x": "nope", "y": "y"}, "Choose from: x, y, z, n_tokens, correct"),
    ({"x": "x", "y": "y", "methods": ["kendall"], "control": ["z"]}, "Kendall"),
    ({"x": "x", "y": "y", "methods": ["cosine"]}, "cosine"),
    ({"x": "x", "y": "y", "control": ["y"]}, "both a metric and a control"),
    ({"x": "x", "y": "y", "length_bins": 3}, "--by length"),
    ({"x": "x", "y": "y", "by": "length", "length_edges": [5, 1]}, "increasing"),
    ({"x": "x", "y": "y", "by": "nowhere"}, "nowhere"),
])
def test_bad_requests_are_user_errors(frame, kwargs, needle):
    with pytest.raises(InvalidInputError) as error:
        correlate(frame, bootstrap=0, **kwargs)
    assert needle in error.value.one_line()


def test_metric_names_are_case_insensitive(frame):
    assert correlate(frame, "X", "Y", bootstrap=0).iloc[0][["x", "y"]].tolist() == ["x", "y"]


def test_too_few_rows_or_constant_values_give_nan_not_errors():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [5.0, 5.0, 5.0, 5.0], "c": [1.0, 3.0, 2.0, np.nan]})
    table = correlation_table(frame, ["a", "b", "c"], bootstrap=50)
    assert table["coefficient"].isna().tolist() == [True, False, True]
    assert table["n"].tolist() == [4, 3, 3]


def test_load_runs_concatenates_runs_with_run_and_model(tmp_path, run):
    other = write_run(tmp_path / "b", shards=(("q0",),), model="toy-b", seed=9)
    frame = load_runs([run, other])
    assert len(frame) == 12 + 3
    assert frame.groupby("model").size().to_dict() == {"toy-a": 12, "toy-b": 3}
    assert set(frame["run"]) == {str(run), str(other)}
    assert "hidden" not in frame and "token_logprob" not in frame and "prefix_er" not in frame
    assert {"er", "erv", "correct", "n_tokens", "er_l1"} <= set(numeric_columns(frame))
    table = correlate(frame, "er", "erv", by="model", bootstrap=0)
    assert table["group"].tolist() == ["toy-a", "toy-b"]
    assert (table["n"] + table["dropped"]).tolist() == [12, 3]


@pytest.mark.parametrize("suffix", [".csv", ".json", ".md"])
def test_tables_are_written_by_suffix(tmp_path, frame, suffix):
    table = correlate(frame, "x", "y", methods=["pearson", "spearman"], bootstrap=0)
    path = write_table(table, tmp_path / f"out{suffix}")
    text = path.read_text()
    if suffix == ".csv":
        assert pd.read_csv(path)["coefficient"].tolist() == pytest.approx(table["coefficient"].tolist())
    elif suffix == ".json":
        records = json.loads(text)
        assert records[0]["n"] == 76 and records[1]["r2"] is None
    else:
        assert text.splitlines()[0].startswith("| group | x | y | method |") and len(text.splitlines()) == 4
    with pytest.raises(InvalidInputError, match="suffix"):
        write_table(table, tmp_path / "out.xlsx")
