"""Traditional rank, matrix entropy, curvature and the dataset-level metrics against hand computations."""

import math

import numpy as np
import pytest

from semspace.metrics import (
    cumulative_dynamics,
    cumulative_traditional_dynamics,
    curvature,
    global_rank,
    global_traditional_rank,
    matrix_entropy,
    mean_pooled,
    response_metrics_batch,
    traditional_rank,
)
from tests.metrics.oracle import dynamics_oracle, er_oracle


def test_traditional_rank_matches_numpy_rule_with_float32_eps():
    rng = np.random.default_rng(0)
    H = rng.standard_normal((60, 7)) @ rng.standard_normal((7, 30))
    centred = H - H.mean(axis=0)
    s = np.linalg.svd(centred, compute_uv=False)
    expected = int((s > s.max() * max(H.shape) * np.finfo(np.float32).eps).sum())
    assert traditional_rank(H) == expected == 7


def test_matrix_entropy_is_renyi_of_normalised_squared_singular_values():
    rng = np.random.default_rng(1)
    H = rng.standard_normal((40, 12))
    lam = np.linalg.svd(H - H.mean(axis=0), compute_uv=False) ** 2
    q = lam / lam.sum()
    alpha = 1.0001
    assert matrix_entropy(H) == pytest.approx(np.log((q**alpha).sum()) / (1 - alpha), rel=1e-9)
    assert matrix_entropy(H, alpha=1.0) == pytest.approx(-(q * np.log(q)).sum(), rel=1e-9)


def test_matrix_entropy_of_k_equal_directions_is_log_k():
    H = np.zeros((8, 5))
    H[:4, :4] = np.eye(4) * 3
    H[4:, :4] = -np.eye(4) * 3  # centred rows span 4 equal directions
    assert matrix_entropy(H, alpha=1.0) == pytest.approx(math.log(4), rel=1e-9)


def test_curvature_of_a_square_path_is_right_angles():
    """Steps east, north, west, south: each turn is π/2."""
    H = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], dtype=float)
    assert curvature(H) == pytest.approx(math.pi / 2)


def test_curvature_skips_repeated_states_and_is_nan_when_too_short():
    H = np.array([[0, 0], [1, 0], [1, 0], [2, 0]], dtype=float)  # straight line with a pause
    assert curvature(H) == pytest.approx(0.0)
    assert math.isnan(curvature(np.zeros((2, 3))))


def test_dataset_level_metrics_pool_each_response():
    rng = np.random.default_rng(2)
    responses = [rng.standard_normal((T, 10)) for T in (5, 9, 12, 30, 7, 8)]
    pooled = np.stack([r.mean(axis=0) for r in responses])
    np.testing.assert_allclose(mean_pooled(responses).numpy(), pooled)
    assert global_rank(responses) == pytest.approx(er_oracle(pooled), rel=1e-9)
    assert global_traditional_rank(responses) == 5  # 6 centred points span 5 directions
    er, erv, era, _ = dynamics_oracle(pooled, 2, 512)
    result = cumulative_dynamics(responses, stride=2)
    assert (result.er, result.erv, result.era) == pytest.approx((er, erv, era), rel=1e-9, nan_ok=True)


def test_cumulative_traditional_dynamics_hand_case():
    """8 generic responses in 10-d: centred prefixes of 3, 5, 7 pooled rows span 2, 4, 6 directions, so
    v = (4 - 2, 6 - 3) = (2, 3): ERV 2.5, ERA 1; the whole pooled matrix has rank 7."""
    rng = np.random.default_rng(5)
    responses = [rng.standard_normal((T, 10)) for T in (4, 6, 3, 9, 5, 7, 8, 2)]
    result = cumulative_traditional_dynamics(responses, stride=2)
    np.testing.assert_array_equal(result.prefix_er, [2, 4, 6])
    assert (result.er, result.erv, result.era) == (7, 2.5, 1.0)
    windowed = cumulative_traditional_dynamics(responses, stride=2, window=5)
    np.testing.assert_array_equal(windowed.prefix_er, [2, 4])  # the last 5 rows: prefixes of 3 and 5
    assert windowed.erv == 2 and math.isnan(windowed.era) and windowed.er == 7


def test_response_metrics_batch_agrees_with_single_functions():
    rng = np.random.default_rng(4)
    matrices = [rng.standard_normal((T, 16)) for T in (1, 30, 70)]
    rows = response_metrics_batch(matrices, stride=5, window=50)
    assert math.isnan(rows[0]["er"]) and math.isnan(rows[0]["trad_rank"])
    for H, row in zip(matrices[1:], rows[1:]):
        er, erv, era, prefix = dynamics_oracle(H, 5, 50)
        assert (row["er"], row["erv"], row["era"]) == pytest.approx((er, erv, era), rel=1e-6)
        assert row["trad_rank"] == traditional_rank(H)
        assert row["matrix_entropy"] == pytest.approx(matrix_entropy(H), rel=1e-9)
        assert row["curvature"] == pytest.approx(curvature(H), rel=1e-12)
