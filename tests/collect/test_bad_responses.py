"""A response whose hidden states or logits are not finite (fp16 overflow) is a row with NaN metrics and the reason,
not the end of a long run; --strict restores the abort; inspect counts such rows."""

import math

import numpy as np
import pytest
import torch

from semspace.collect import CollectConfig, HFCapturer, SamplingSettings, capture, run_collect
from semspace.errors import InvalidInputError
from semspace.metrics import MetricSettings, response_metrics_batch
from semspace.models import tiny_random
from semspace.store import read_run, summarize_run

SETTINGS = dict(model="tiny-random", dataset="arithmetic:2", batch_size=2, metrics=MetricSettings(stride=2),
                sampling=SamplingSettings(n=2, max_new_tokens=10))


@pytest.fixture
def overflow_in_one_response(monkeypatch):
    """The teacher-forced pass as it is, except that the second response's third state overflowed."""
    real = HFCapturer.capture

    def overflowing(self, *args, **kwargs):
        captures = real(self, *args, **kwargs)
        if len(captures) > 1 and captures[1].hidden.shape[0] > 2:
            captures[1].hidden = captures[1].hidden.clone()
            captures[1].hidden[2] = math.inf
        return captures

    monkeypatch.setattr(HFCapturer, "capture", overflowing)


def test_an_overflowing_response_keeps_its_row_with_nan_metrics_and_the_reason(tmp_path, overflow_in_one_response):
    out = run_collect(CollectConfig(out=tmp_path / "run", **SETTINGS))
    rows = read_run(out, hidden=False)
    bad = rows["metric_error"].notna()
    assert bad.sum() == 1 and "hidden states contain NaN or inf (rows [2])" in rows.loc[bad, "metric_error"].iloc[0]
    for column in ("er", "erv", "era", "trad_rank", "matrix_entropy", "curvature"):
        assert rows.loc[bad, column].isna().all(), column
    good = rows[~bad]
    assert good["er"].notna().all() and good["metric_error"].isna().all()
    assert rows.loc[bad, "mean_logprob"].notna().all(), "token statistics did not overflow, so they stay"
    assert summarize_run(out)["metric_errors"] == 1


def test_strict_stops_at_the_first_such_response_naming_it(tmp_path, overflow_in_one_response):
    with pytest.raises(InvalidInputError, match=r"Response .*/sample-1: hidden states contain NaN or inf"):
        run_collect(CollectConfig(out=tmp_path / "run", strict=True, **SETTINGS))


def test_overflowing_logits_give_nan_token_statistics_and_a_reason_not_an_error():
    model = tiny_random(seed=4).model
    with torch.no_grad():
        model.get_output_embeddings().weight[600] = math.nan  # a token the inputs never use
    captures = capture(model, [[1, 2, 3], [4, 5]], [[6, 7, 8], [9, 10]])
    for captured in captures:
        assert captured.error.startswith("token statistics: logits contain NaN or +inf")
        assert np.isnan(captured.tokens.entropy).all() and np.isfinite(captured.hidden.numpy()).all()


def test_the_good_responses_of_a_batch_are_measured_as_without_the_bad_one(tmp_path, overflow_in_one_response):
    out = run_collect(CollectConfig(out=tmp_path / "run", save_hidden=True, **SETTINGS))
    rows = read_run(out, hidden=True)
    good = rows[rows["metric_error"].isna()]
    alone = response_metrics_batch(list(good["hidden"]), stride=2)
    np.testing.assert_allclose(good["er"], [row["er"] for row in alone], rtol=1e-12)
