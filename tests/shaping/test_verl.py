"""VerlShaper against SPEC §7, with every expected number worked out here from the formula."""

import json
import math

import pytest
import torch

from semspace.errors import InvalidInputError
from semspace.shaping import VerlShaper


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def t(*values, dtype=torch.float64):
    return torch.tensor(values, dtype=dtype)


# Step 1 batch: means er 3, erv 2, era 1 become the `ema` baselines.
STEP1 = dict(er=t(2.0, 4.0), erv=t(1.0, 3.0), era=t(0.5, 1.5))
# Step 2 batch: deviations δ_er = (x−3)/3, δ_erv = (x−2)/2, δ_era = (x−1)/1.
STEP2 = dict(er=t(3.6, 2.4, 4.5), erv=t(2.5, 1.0, 3.0), era=t(1.2, 0.8, 2.0))
A_STEP2 = t(1.0, -1.0, 0.0)


def run_two_steps(shaper, a2=A_STEP2, **kwargs):
    first_mask = torch.ones(2, 1) if "completion_mask" in kwargs else None
    first = shaper(t(1.0, -1.0), **STEP1, completion_mask=first_mask)
    return first, shaper(a2, **STEP2, **kwargs)


def test_ema_adaptive_sequence_by_hand():
    shaper = VerlShaper()
    first, second = run_two_steps(shaper)
    assert torch.equal(first, t(1.0, -1.0)), "no shaping at the first step"
    beta = sigmoid(2.0 * 0.2)
    aux0 = beta * math.tanh(0.2) + (1 - beta) * math.tanh(0.25)  # response 0: δ = (0.2, 0.25, 0.2)
    # response 1: δ_er = -0.2, δ_erv = -0.5, so aux < 0: no bonus; response 2: A0 = 0, so no bonus.
    assert second.tolist() == pytest.approx([1.0 + aux0, -1.0, 0.0], abs=1e-7)
    assert shaper.mu == pytest.approx({"er": 0.7 * 3 + 0.3 * 3.5, "erv": 0.7 * 2 + 0.3 * 6.5 / 3,
                                       "era": 0.7 * 1 + 0.3 * 4.0 / 3})
    stats = shaper.last_stats
    assert stats["mu_er"] == 3.0 and stats["mu_erv"] == 2.0 and stats["mu_era"] == 1.0
    assert stats["bonus_fraction"] == pytest.approx(1 / 3)
    assert stats["mean_bonus"] == pytest.approx(aux0 / 3)
    beta1, beta2 = sigmoid(2.0 * -0.2), sigmoid(2.0 * 1.0)
    assert stats["mean_beta"] == pytest.approx((beta + beta1 + beta2) / 3)


def test_cap_is_half_the_advantage():
    a2 = t(0.2, -0.02, 0.0)
    _, second = run_two_steps(VerlShaper(), a2=a2)
    assert second.tolist() == pytest.approx([0.2 + 0.1, -0.02, 0.0], abs=1e-7)


def test_kappa_gain_and_weight():
    _, second = run_two_steps(VerlShaper(kappa=4.0, gain=1.0, weight=0.5))
    beta = sigmoid(1.0 * 0.2)
    aux0 = 0.5 * (beta * math.tanh(0.2) + (1 - beta) * math.tanh(0.25))
    assert second.tolist() == pytest.approx([1.0 + min(aux0, 0.25), -1.0, 0.0], abs=1e-7)


def test_fixed_mode_uses_half_and_half():
    _, second = run_two_steps(VerlShaper(mode="fixed"), a2=t(1.0, -1.0, 2.0))
    aux2 = 0.5 * math.tanh(0.5) + 0.5 * math.tanh(0.5)
    assert second.tolist() == pytest.approx([1.0 + 0.5 * (math.tanh(0.2) + math.tanh(0.25)), -1.0, 2.0 + aux2])


def test_sum_mode_adds_both_channels_and_reports_no_beta():
    shaper = VerlShaper(mode="sum")
    _, second = run_two_steps(shaper, a2=t(4.0, -1.0, 1.0))
    aux0 = math.tanh(0.2) + math.tanh(0.25)
    assert 2 * math.tanh(0.5) > 0.5, "response 2 hits its cap"
    assert second.tolist() == pytest.approx([4.0 + aux0, -1.0, 1.0 + 0.5])
    assert math.isnan(shaper.last_stats["mean_beta"])


def test_reference_baseline_two_step_lag_from_zero():
    shaper = VerlShaper(baseline="reference")
    a = t(2.0, -2.0)
    step1 = dict(er=t(2.0, 4.0), erv=t(1.0, 3.0), era=t(-0.5, 1.5))  # means 3, 2, 0.5
    assert torch.equal(shaper(a, **step1), a), "no shaping at the first step"
    assert shaper.mu == {"er": 0.0, "erv": 0.0, "era": 0.0}
    # Step 2: μ = 0, so every δ saturates at ±5.
    step2 = dict(er=t(1.0, 2.0), erv=t(-1.0, 1.0), era=t(0.1, -0.1))  # means 1.5, 0, 0
    out2 = shaper(a, **step2)
    beta_hi, beta_lo = sigmoid(10.0), sigmoid(-10.0)
    aux0 = beta_hi * math.tanh(5) + (1 - beta_hi) * math.tanh(-5)
    aux1 = beta_lo * math.tanh(5) + (1 - beta_lo) * math.tanh(5)
    assert aux0 > 0 and aux1 > 0.99
    assert out2.tolist() == pytest.approx([2.0 + min(aux0, 1.0), -2.0 + min(aux1, 1.0)], abs=1e-7)
    # After step 2, μ holds the step-1 means only (α = 0.3 from zero): the step-2 means wait one more step.
    assert shaper.mu == pytest.approx({"er": 0.9, "erv": 0.6, "era": 0.15})
    step3 = dict(er=t(1.8, 0.9), erv=t(0.9, 0.3), era=t(0.3, 0.15))
    out3 = shaper(t(1.0, -1.0), **step3)
    beta = sigmoid(2.0 * (0.3 - 0.15) / 0.15)
    aux0 = beta * math.tanh(1.0) + (1 - beta) * math.tanh(0.5)
    assert out3.tolist() == pytest.approx([1.0 + 0.5, -1.0], abs=1e-7) and aux0 > 0.5
    assert shaper.mu == pytest.approx({"er": 0.7 * 0.9 + 0.3 * 1.5, "erv": 0.7 * 0.6, "era": 0.7 * 0.15})


def test_reference_at_step_two_every_delta_saturates():
    # kappa tiny makes the cap |A0|/κ huge, so the bonus shows aux itself: tanh(±5) on both channels.
    shaper = VerlShaper(baseline="reference", mode="sum", kappa=1e-9)
    shaper(t(5.0), er=t(1.0), erv=t(1.0), era=t(1.0))
    out = shaper(t(5.0, 5.0, 5.0), er=t(0.01, 7.0, -3.0), erv=t(0.5, 9.0, 2.0), era=t(1.0, 2.0, 3.0))
    assert out.tolist() == pytest.approx([5.0 + 2 * math.tanh(5.0), 5.0 + 2 * math.tanh(5.0), 5.0], abs=1e-12)


def test_sequence_scope_with_mask_puts_the_bonus_on_every_valid_token():
    mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0], [0, 1, 1, 1]])
    _, second = run_two_steps(VerlShaper(), a2=t(1.0, -1.0, 2.0), completion_mask=mask)
    beta = sigmoid(0.4)
    aux0 = beta * math.tanh(0.2) + (1 - beta) * math.tanh(0.25)
    aux2 = math.tanh(0.5)  # δ_er = δ_erv = 0.5, so β does not matter
    b0, b2 = 1.0 + aux0, 2.0 + aux2
    assert second.shape == (3, 4)
    expected = [[b0, b0, b0, 1.0], [-1.0] * 4, [2.0, b2, b2, b2]]
    torch.testing.assert_close(second, torch.tensor(expected, dtype=torch.float64), atol=1e-7, rtol=0)


def test_last_token_scope_puts_the_bonus_on_the_last_valid_token_only():
    mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0], [0, 1, 1, 0]])
    _, second = run_two_steps(VerlShaper(scope="last-token"), a2=t(1.0, -1.0, 2.0), completion_mask=mask)
    beta = sigmoid(0.4)
    aux0 = beta * math.tanh(0.2) + (1 - beta) * math.tanh(0.25)
    aux2 = math.tanh(0.5)
    expected = [[1.0, 1.0, 1.0 + aux0, 1.0], [-1.0] * 4, [2.0, 2.0, 2.0 + aux2, 2.0]]
    torch.testing.assert_close(second, torch.tensor(expected, dtype=torch.float64), atol=1e-7, rtol=0)


def test_last_token_without_mask_is_an_error():
    with pytest.raises(InvalidInputError, match="mask"):
        VerlShaper(scope="last-token")(t(1.0), er=t(1.0), erv=t(1.0), era=t(1.0))


def test_nan_indicator_gets_no_bonus_and_stays_out_of_the_means():
    shaper = VerlShaper()
    shaper(t(1.0, 1.0), er=t(2.0, math.nan), erv=t(1.0, 3.0), era=t(math.nan, 1.0))
    assert shaper.mu == {"er": 2.0, "erv": 2.0, "era": 1.0}
    out = shaper(t(1.0, 1.0, 1.0), er=t(3.0, math.nan, 3.0), erv=t(3.0, 3.0, 3.0), era=t(1.5, 1.5, math.nan))
    beta = sigmoid(2.0 * 0.5)
    aux0 = beta * math.tanh(0.5) + (1 - beta) * math.tanh(0.5)
    assert out.tolist() == pytest.approx([1.0 + aux0, 1.0, 1.0], abs=1e-7)
    assert shaper.mu == pytest.approx({"er": 0.7 * 2 + 0.3 * 3, "erv": 0.7 * 2 + 0.3 * 3, "era": 0.7 + 0.3 * 1.5})


def test_fixed_mode_does_not_need_era():
    shaper = VerlShaper(mode="fixed")
    shaper(t(1.0), er=t(2.0), erv=t(2.0), era=t(math.nan))
    assert shaper.mu["era"] is None
    out = shaper(t(1.0), er=t(3.0), erv=t(3.0), era=t(math.nan))
    assert out.tolist() == pytest.approx([1.0 + math.tanh(0.5)])


def test_an_all_nan_channel_leaves_its_baseline_unset_until_a_value_arrives():
    shaper = VerlShaper()
    shaper(t(1.0), er=t(2.0), erv=t(2.0), era=t(math.nan))
    out = shaper(t(1.0), er=t(3.0), erv=t(3.0), era=t(1.0))
    assert out.tolist() == [1.0], "δ_ERA has no baseline yet, so adaptive mode gives no bonus"
    assert shaper.mu["era"] == 1.0


def test_batch_means_override_the_baseline_update():
    shaper = VerlShaper()
    shaper(t(1.0), er=t(2.0), erv=t(2.0), era=t(2.0), batch_means={"er": 4.0, "erv": 5.0, "era": 6.0})
    assert shaper.mu == {"er": 4.0, "erv": 5.0, "era": 6.0}


def test_dtype_and_device_of_the_advantages_are_kept():
    shaper = VerlShaper()
    run_two_steps(shaper)
    out = shaper(t(1.0, -1.0, 0.5, dtype=torch.bfloat16), **STEP2)
    assert out.dtype == torch.bfloat16 and out.device == torch.device("cpu")
    mask = torch.ones(3, 2, dtype=torch.bool)
    assert shaper(t(1.0, -1.0, 0.5, dtype=torch.float32), **STEP2, completion_mask=mask).dtype == torch.float32


@pytest.mark.parametrize("baseline", ["ema", "reference"])
def test_state_round_trip_continues_exactly(baseline):
    original = VerlShaper(baseline=baseline, mode="adaptive")
    run_two_steps(original)
    restored = VerlShaper(baseline=baseline)
    restored.load_state_dict(json.loads(json.dumps(original.state_dict())))
    assert restored.state_dict() == original.state_dict()
    for step in range(3):
        batch = dict(er=t(3.1 + step, 2.9), erv=t(2.2, 1.8 - step), era=t(1.1, 0.7 + step))
        assert torch.equal(original(t(1.0, -1.0), **batch), restored(t(1.0, -1.0), **batch))
    assert restored.state_dict() == original.state_dict()


def test_state_from_another_baseline_is_refused():
    with pytest.raises(InvalidInputError, match="baseline"):
        VerlShaper(baseline="ema").load_state_dict(VerlShaper(baseline="reference").state_dict())


@pytest.mark.parametrize("option", [dict(mode="soft"), dict(scope="token"), dict(baseline="batch"),
                                    dict(ema_alpha=0.0), dict(kappa=0.0)])
def test_bad_settings_are_refused(option):
    with pytest.raises(InvalidInputError):
        VerlShaper(**option)


def test_shape_mismatch_is_refused():
    with pytest.raises(InvalidInputError, match="er"):
        VerlShaper()(t(1.0, 2.0), er=t(1.0), erv=t(1.0, 2.0), era=t(1.0, 2.0))
    with pytest.raises(InvalidInputError, match="1-D"):
        VerlShaper()(torch.ones(2, 3), er=t(1.0, 2.0), erv=t(1.0, 2.0), era=t(1.0, 2.0))
