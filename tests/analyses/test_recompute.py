"""semspace metrics' library side: recomputing from stored H reproduces the stored columns, other settings equal
rank_dynamics, the source run is never touched, and runs without H are refused."""

import hashlib

import numpy as np
import pandas as pd
import pytest

from semspace.analyses import recompute_run
from semspace.errors import InvalidInputError, RunExistsError
from semspace.metrics import curvature, matrix_entropy, rank_dynamics, traditional_rank
from semspace.store import read_manifest, read_run
from tests.analyses.synthetic import METRICS
from tests.metrics.oracle import dynamics_oracle

SCALARS = ("er", "erv", "era", "trad_rank", "matrix_entropy", "curvature", "er_l1", "erv_l1", "era_l1")


def fingerprint(folder):
    """sha256 and mtime of every file in a folder."""
    return {path.relative_to(folder): (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_original_settings_reproduce_the_stored_columns(tmp_path, run):
    before = fingerprint(run)
    out = recompute_run(run, tmp_path / "same")
    assert fingerprint(run) == before
    old, new = read_run(run), read_run(out)
    assert list(new.columns) == list(old.columns)
    for column in SCALARS:
        np.testing.assert_allclose(new[column], old[column], rtol=1e-12, atol=1e-12, equal_nan=True, err_msg=column)
    for a, b in zip(old["prefix_er"], new["prefix_er"]):
        np.testing.assert_allclose(b, a, rtol=1e-12)
    rest = [c for c in old.columns if c not in (*SCALARS, "prefix_er", "token_logprob")]
    pd.testing.assert_frame_equal(new[rest], old[rest])
    assert [e["rows"] for e in read_manifest(out)["shards"]] == [e["rows"] for e in read_manifest(run)["shards"]]


def test_other_settings_equal_rank_dynamics_on_stored_hidden(tmp_path, run):
    out = recompute_run(run, tmp_path / "other", stride=3, window=0, center=False, spectrum="sigma2",
                        keep_hidden=True)
    new, source = read_run(out, hidden=True), read_run(run, hidden=True)
    for row, h, h1 in zip(new.itertuples(), source["hidden"], source["hidden_l1"]):
        np.testing.assert_array_equal(row.hidden, h)
        expected = rank_dynamics(h, stride=3, window=None, center=False, spectrum="sigma2")
        layer = rank_dynamics(h1, stride=3, window=None, center=False, spectrum="sigma2")
        got = [row.er, row.erv, row.era, row.er_l1, row.erv_l1, row.era_l1]
        want = [expected.er, expected.erv, expected.era, layer.er, layer.erv, layer.era]
        np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)
        np.testing.assert_allclose(row.prefix_er, expected.prefix_er, rtol=1e-12)
        oracle = dynamics_oracle(h, 3, None, center=False, spectrum="sigma2")
        np.testing.assert_allclose(got[:3], oracle[:3], rtol=1e-6, equal_nan=True)
        whole = [traditional_rank(h, center=False), matrix_entropy(h, center=False), curvature(h)]
        np.testing.assert_allclose([row.trad_rank, row.matrix_entropy, row.curvature], whole, rtol=1e-9,
                                   equal_nan=True)  # one solve of the whole response, batched with its prefixes


def test_new_manifest_records_settings_and_source(tmp_path, run):
    out = recompute_run(run, tmp_path / "m", stride=4)
    manifest, original = read_manifest(out), read_manifest(run)
    assert manifest["metrics"] == {**METRICS, "stride": 4}
    assert manifest["capture"] == {**original["capture"], "save_hidden": False}
    assert manifest["model"] == original["model"] and manifest["status"] == "complete"
    assert manifest["source"]["path"] == str(run.resolve())
    assert manifest["source"]["created"] == original["created"]
    assert manifest["source"]["metrics"] == original["metrics"]
    assert [s["sha256"] for s in manifest["source"]["shards"]] == [s["sha256"] for s in original["shards"]]
    assert "hidden" not in read_run(out).columns and "hidden_l1" not in read_run(out).columns


def test_existing_output_is_refused_and_left_alone(tmp_path, run):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("keep")
    with pytest.raises(RunExistsError):
        recompute_run(run, out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    with pytest.raises(RunExistsError):
        recompute_run(run, run)


def test_run_without_hidden_states_is_refused(tmp_path, run_without_hidden):
    with pytest.raises(InvalidInputError, match="--save-hidden"):
        recompute_run(run_without_hidden, tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_bad_settings_are_user_errors(tmp_path, run):
    with pytest.raises(InvalidInputError, match="spectrum"):
        recompute_run(run, tmp_path / "bad", spectrum="sigma3")
    with pytest.raises(InvalidInputError, match="stride"):
        recompute_run(run, tmp_path / "bad", stride=0)
    assert not (tmp_path / "bad").exists()
