"""Majorization pairs on hand-made spectra, Schur consistency on random runs, a forced violation, summaries."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import semspace.analyses.majorize as majorize_module
from semspace.analyses import (
    SchurConsistencyError,
    flag_relations,
    majorize_run,
    pair_summary,
    pair_table,
)
from semspace.errors import InvalidInputError
from semspace.metrics import prefix_spectra, rank_dynamics
from semspace.store import RunWriter, read_run
from tests.analyses.synthetic import METRICS, settings

# q: (.75, .25, 0) → (.5, .25, .25) → (1/3, 1/3, 1/3) → (.6, .4, 0)
SPECTRA = [np.array([3.0, 1.0, 0.0]), np.array([2.0, 1.0, 1.0]), np.array([1.0, 1.0, 1.0]), np.array([3.0, 2.0, 0.0])]
SPANS = [(0, 4), (0, 6), (0, 8), (0, 10)]


def spec_er(sigma):
    """SPEC §2 ER of a spectrum, straight from the definition."""
    p = sigma / (sigma.sum() + 1e-8)
    return float(np.exp(-(p * np.log(p + 1e-8)).sum()))


def test_known_pairs_on_hand_made_spectra():
    table = pair_table(SPECTRA, SPANS, 3)
    assert table["pair"].tolist() == [1, 2, 3] and table["rows"].tolist() == [6, 8, 10]
    assert table["majorized"].tolist() == [True, True, False]  # the third pair re-concentrates mass
    assert table["support_before"].tolist() == [2, 3, 3] and table["support_after"].tolist() == [3, 3, 2]
    assert table["equal_support"].tolist() == [False, True, False]
    assert table["equal_abs_support"].tolist() == [False, True, False]
    assert table["both"].tolist() == [False, True, False]
    expected = [spec_er(b) - spec_er(a) for a, b in zip(SPECTRA, SPECTRA[1:])]
    np.testing.assert_allclose(table["er_increase"], expected, rtol=1e-12)
    summary = pair_summary(table)
    assert summary["frac_majorized"] == pytest.approx(2 / 3) and summary["frac_both"] == pytest.approx(1 / 3)
    assert summary["mu"] == pytest.approx(min(expected[:2]), rel=1e-12)
    assert summary["schur_checked"] == 2


def test_incomparable_pair_and_support_thresholds():
    """(0.6, 0.2, 0.2) vs (0.5, 0.4, 0.1): neither majorizes; a 1e-4 direction counts only under a small tau."""
    table = pair_table([np.array([5.0, 4.0, 1.0]), np.array([6.0, 2.0, 2.0])], [(0, 4), (0, 5)], 3)
    assert not table["majorized"].item()
    tiny = [np.array([1.0, 1.0, 1e-4]), np.array([1.0, 1.0, 1.0])]
    assert not pair_table(tiny, [(0, 4), (0, 5)], 3, tau=1e-3)["equal_support"].item()
    assert pair_table(tiny, [(0, 4), (0, 5)], 3, tau=1e-5)["equal_support"].item()
    assert pair_table(tiny, [(0, 4), (0, 5)], 3)["equal_abs_support"].item()


def test_tolerance_admits_near_majorization():
    before, after = np.array([0.5, 0.3, 0.2]), np.array([0.5 + 1e-7, 0.3 - 1e-7, 0.2])
    assert not pair_table([before, after], [(0, 4), (0, 5)], 3)["majorized"].item()
    assert pair_table([before, after], [(0, 4), (0, 5)], 3, tol=1e-6)["majorized"].item()


def test_run_analysis_matches_the_primitives_and_holds_consistency(run):
    result = majorize_run(run)
    frame = read_run(run, hidden=True)
    windows = [len(prefix_spectra(h, **{k: METRICS[k] for k in ("stride", "window", "center")}))
               for h in frame["hidden"]]
    assert len(result.pairs) == sum(max(w - 1, 0) for w in windows)
    assert result.pairs["schur_checked"].sum() > 0  # consistency was checked (and held) on random data
    responses = result.responses
    assert len(responses) == 12 and responses["pairs"].tolist() == [max(w - 1, 0) for w in windows]
    for h, erv, pairs in zip(frame["hidden"], responses["erv"], responses["pairs"]):
        expected = rank_dynamics(h, **METRICS).erv
        assert (np.isnan(erv) and np.isnan(expected)) if pairs == 0 else erv == pytest.approx(expected, rel=1e-9)
    assert responses.loc[responses["pairs"] == 0, "all_majorized"].isna().all()


def test_sliding_windows_of_fixed_width(run):
    result = majorize_run(run, windows="sliding", width=4, stride=1, window=0)
    assert (result.pairs["rows"] == 4).all()
    longest = result.pairs[(result.pairs["prompt_id"] == "p1") & (result.pairs["sample"] == 1)]
    assert longest["start"].tolist() == list(range(1, 10))  # 13 rows: windows start at 0..9
    assert result.windows.window is None and result.windows.width == 4


def _violating_run(out):
    """A run whose first response spreads over many directions, then piles onto one: its ER falls."""
    rng = np.random.default_rng(0)
    spread = rng.standard_normal((6, 5))
    piled = np.outer(np.arange(1, 9), np.eye(5)[0]) * 50
    rows = [{"prompt_id": "p0", "sample": 0, "n_tokens": 14, "correct": True,
             "hidden": np.vstack([spread, piled]).astype(np.float32)}]
    writer = RunWriter(out, settings())
    writer.write_shard(rows)
    writer.finish()
    return out


def test_forced_violation_raises_naming_response_and_pair(tmp_path, monkeypatch):
    run = _violating_run(tmp_path / "run")
    honest = majorize_run(run, window=0).pairs
    assert (honest["er_increase"] < 0).any() and not honest.loc[honest["er_increase"] < 0, "majorized"].any()
    monkeypatch.setattr(majorize_module, "is_majorized_by", lambda *args, **kwargs: True)
    with pytest.raises(SchurConsistencyError) as error:
        pair_table(SPECTRA, SPANS, 3, name="p9/sample-2")
    assert error.value.pair == 3 and "p9/sample-2, pair 3" in str(error.value)
    with pytest.raises(SchurConsistencyError) as error:
        majorize_run(run, window=0)
    assert error.value.response == "p0/sample-0" and "bug in semspace" in str(error.value)


def test_flag_relations_equal_scipy():
    rng = np.random.default_rng(2)
    responses = pd.DataFrame({"all_majorized": [1.0] * 8 + [0.0] * 12 + [np.nan] * 2,
                              "all_both": [1.0] * 3 + [0.0] * 17 + [np.nan] * 2,
                              "all_both_abs": [0.0] * 20 + [np.nan] * 2,
                              "erv": np.r_[rng.normal(2, 1, 8), rng.normal(0, 1, 12), np.nan, np.nan],
                              "correct": pd.Series([True, False] * 10 + [None, None], dtype=object)})
    table = flag_relations(responses).set_index("flag")
    row = table.loc["all_majorized"]
    held, erv = responses["all_majorized"][:20] == 1.0, responses["erv"][:20]
    assert (row["with"], row["without"], row["no_pairs"]) == (8, 12, 2)
    assert row["point_biserial_r"] == pytest.approx(stats.pointbiserialr(held, erv).statistic)
    assert row["mannwhitney_p"] == pytest.approx(stats.mannwhitneyu(erv[held], erv[~held]).pvalue)
    assert row["erv_with"] == pytest.approx(erv[held].mean()) and row["accuracy_with"] == 0.5
    assert np.isnan(table.loc["all_both_abs", "point_biserial_r"])


@pytest.mark.parametrize("options,needle", [({"windows": "sliding"}, "--width"), ({"width": 4}, "--width"),
                                            ({"windows": "zigzag"}, "zigzag")])
def test_bad_window_options(run, options, needle):
    with pytest.raises(InvalidInputError, match=needle):
        majorize_run(run, **options)


def test_run_without_hidden_states_says_how_to_get_them(run_without_hidden):
    with pytest.raises(InvalidInputError, match="--save-hidden"):
        majorize_run(run_without_hidden)
