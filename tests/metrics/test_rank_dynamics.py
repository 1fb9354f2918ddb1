"""ER, ERV, ERA against a float64 per-prefix SVD oracle (SPEC §2-3), to 1e-6 relative."""

import math

import numpy as np
import pytest
import torch

from semspace.errors import InvalidInputError
from semspace.metrics import effective_rank, rank_dynamics, rank_dynamics_batch, velocity_and_acceleration
from tests.metrics.oracle import dynamics_oracle, er_oracle

RTOL = 1e-6


def low_rank_plus_noise(rng, T, d, rank=8, noise=1e-2):
    return rng.standard_normal((T, rank)) @ rng.standard_normal((rank, d)) + noise * rng.standard_normal((T, d))


def large_common_mean(rng, T, d):
    """Spread ~1 around a mean 50x larger: the case an uncentred Gram loses digits on."""
    spread = rng.standard_normal((T, d)) @ np.diag(np.linspace(0.1, 2.0, d))
    mean = rng.standard_normal(d)
    mean *= 50 * np.linalg.norm(spread, axis=1).mean() / np.linalg.norm(mean)
    return spread + mean


def drifting(rng, T, d):
    """A random walk: the prefix mean moves, so per-prefix centring matters."""
    return np.cumsum(rng.standard_normal((T, d)), axis=0)


CASES = [
    # (name, maker, T, d, stride, window)
    ("random T<d", lambda r, T, d: r.standard_normal((T, d)), 150, 200, 7, 512),
    ("random T>d", lambda r, T, d: r.standard_normal((T, d)), 300, 40, 9, 512),
    ("low rank + noise", low_rank_plus_noise, 260, 96, 13, 512),
    ("large common mean", large_common_mean, 220, 120, 10, 512),
    ("drift", drifting, 200, 64, 11, 512),
    ("T not multiple of stride, T > window", lambda r, T, d: r.standard_normal((T, d)), 431, 70, 17, 300),
    ("T == window", lambda r, T, d: r.standard_normal((T, d)), 256, 50, 16, 256),
    ("stride 1", lambda r, T, d: r.standard_normal((T, d)), 90, 60, 1, 512),
    ("stride 1, T > d and window", low_rank_plus_noise, 140, 32, 1, 120),
    ("window None", large_common_mean, 330, 48, 25, None),
]


def assert_close(actual, expected):
    if math.isnan(expected):
        assert math.isnan(actual)
    else:
        assert actual == pytest.approx(expected, rel=RTOL, abs=1e-9)


@pytest.mark.parametrize("name,maker,T,d,stride,window", CASES, ids=[c[0] for c in CASES])
def test_dynamics_match_oracle(name, maker, T, d, stride, window):
    H = maker(np.random.default_rng(hash(name) % 2**32), T, d)
    er, erv, era, prefix = dynamics_oracle(H, stride, window)
    result = rank_dynamics(H, stride=stride, window=window)
    assert_close(result.er, er)
    assert_close(result.erv, erv)
    assert_close(result.era, era)
    np.testing.assert_allclose(result.prefix_er, prefix, rtol=RTOL)


@pytest.mark.parametrize("center", [True, False])
@pytest.mark.parametrize("spectrum", ["sigma", "sigma2"])
def test_options_match_oracle(center, spectrum):
    H = low_rank_plus_noise(np.random.default_rng(3), 120, 50)
    er, erv, era, prefix = dynamics_oracle(H, 8, 100, center=center, spectrum=spectrum)
    result = rank_dynamics(H, stride=8, window=100, center=center, spectrum=spectrum)
    assert_close(result.er, er)
    assert_close(result.erv, erv)
    assert_close(result.era, era)
    assert effective_rank(H, center=center, spectrum=spectrum) == pytest.approx(er, rel=RTOL)


def test_exactly_low_rank_matrix_has_no_noise_floor():
    """Zero singular values must contribute nothing; Gram round-off (~1e-8 σ_max after sqrt) would."""
    rng = np.random.default_rng(0)
    H = rng.standard_normal((300, 5)) @ rng.standard_normal((5, 400))
    assert effective_rank(H) == pytest.approx(er_oracle(H), rel=RTOL)
    result = rank_dynamics(H, stride=3)
    np.testing.assert_allclose(result.prefix_er, dynamics_oracle(H, 3, 512)[3], rtol=RTOL)


@pytest.mark.parametrize("T,expect_erv,expect_era", [(1, False, False), (2, False, False), (20, False, False),
                                                    (21, True, False), (30, True, False), (31, True, True)])
def test_nan_when_too_few_prefixes(T, expect_erv, expect_era):
    """stride 10: prefixes end at t = 10, 20, 30 while t < T, so ERV needs T >= 21 and ERA T >= 31."""
    H = np.random.default_rng(T).standard_normal((T, 16))
    result = rank_dynamics(H, stride=10)
    assert math.isnan(result.er) == (T < 2)
    assert (not math.isnan(result.erv)) == expect_erv
    assert (not math.isnan(result.era)) == expect_era


def test_velocity_and_acceleration_by_hand():
    """E = (1, 3, 2, 6): v = (3-1, 2-2, 6-2) = (2, 0, 4); a = (-2, 4); ERV = 2, ERA = 1."""
    erv, era = velocity_and_acceleration(np.array([1.0, 3.0, 2.0, 6.0]))
    assert erv == pytest.approx(2.0)
    assert era == pytest.approx(1.0)


def test_batch_equals_one_by_one_with_mixed_lengths():
    rng = np.random.default_rng(5)
    matrices = [rng.standard_normal((T, 24)) for T in (1, 5, 40, 41, 97, 130)]
    batch = rank_dynamics_batch(matrices, stride=4, window=100)
    for H, got in zip(matrices, batch):
        alone = rank_dynamics(H, stride=4, window=100)
        assert got.er == alone.er or (math.isnan(got.er) and math.isnan(alone.er))
        np.testing.assert_allclose(got.prefix_er, alone.prefix_er, rtol=1e-12)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_torch_low_precision_inputs_are_computed_in_float64(dtype):
    H = torch.randn(80, 32, generator=torch.Generator().manual_seed(0)).to(dtype)
    exact = dynamics_oracle(H.double().numpy(), 5, 512)
    result = rank_dynamics(H, stride=5)
    assert result.er == pytest.approx(exact[0], rel=RTOL)
    assert result.erv == pytest.approx(exact[1], rel=RTOL)


def test_nan_hidden_states_raise_naming_the_response():
    H = np.ones((10, 4))
    H[3, 2] = np.nan
    with pytest.raises(InvalidInputError, match="prompt-7/sample-2"):
        rank_dynamics_batch([np.ones((5, 4)), H], names=["ok", "prompt-7/sample-2"])
    with pytest.raises(InvalidInputError, match="NaN or inf"):
        effective_rank(np.full((4, 3), np.inf))


@pytest.mark.parametrize("bad", [{"stride": 0}, {"window": 0}, {"stride": 2.5}, {"spectrum": "sigma3"}])
def test_bad_settings_are_refused(bad):
    with pytest.raises(InvalidInputError):
        rank_dynamics(np.ones((10, 3)), **bad)


def test_one_dimensional_input_is_refused():
    with pytest.raises(InvalidInputError, match="expected \\(tokens, hidden_size\\)"):
        effective_rank(np.ones(10))
