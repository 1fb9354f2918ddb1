"""Properties ER must hold whatever the data (SPEC §2), checked with hypothesis."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import ortho_group

from semspace.metrics import effective_rank, rank_dynamics, rank_dynamics_batch, traditional_rank

shapes = st.tuples(st.integers(2, 40), st.integers(1, 30))
seeds = st.integers(0, 2**31 - 1)


def random_matrix(seed, T, d):
    """Frobenius norm 10: SPEC's 1e-8 guards in p = σ/(Σσ + 1e-8) break exact invariance only when Σσ ≲ 1e-2."""
    rng = np.random.default_rng(seed)
    H = rng.standard_normal((T, d)) * rng.uniform(0.1, 10, size=d)
    centred_norm = np.linalg.norm(H - H.mean(axis=0))
    return H * (10 / centred_norm) if centred_norm > 1e-6 else H


@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 12), extra=st.integers(0, 10), c=st.floats(0.01, 100), seed=seeds)
def test_k_equal_singular_values_give_k(k, extra, c, seed):
    """H = c · U Vᵀ with orthonormal U (T×k), V (d×k): σ = (c, …, c, 0, …) so ER = k (uncentred)."""
    rng = np.random.default_rng(seed)
    T, d = k + extra + 1, k + rng.integers(0, 10)
    U, _ = np.linalg.qr(rng.standard_normal((T, k)))
    V, _ = np.linalg.qr(rng.standard_normal((d, k)))
    H = c * U @ V.T
    assert abs(effective_rank(H, center=False) - k) < 1e-6 * k


@settings(max_examples=30, deadline=None)
@given(shape=shapes, seed=seeds, scale=st.floats(1e-1, 1e3))
def test_invariant_to_rotation_scaling_and_shift(shape, seed, scale):
    T, d = shape
    H = random_matrix(seed, T, d)
    rotation = ortho_group.rvs(d, random_state=seed) if d > 1 else np.ones((1, 1))
    shift = np.random.default_rng(seed + 1).standard_normal(d) * 100
    base = effective_rank(H)
    assert abs(effective_rank(H @ rotation) - base) < 1e-6 * base
    assert abs(effective_rank(scale * H) - base) < 1e-6 * base
    assert abs(effective_rank(H + shift) - base) < 1e-6 * base


@settings(max_examples=30, deadline=None)
@given(shape=shapes, seed=seeds, rank=st.integers(1, 8))
def test_between_one_and_rank(shape, seed, rank):
    T, d = shape
    rng = np.random.default_rng(seed)
    low_rank = rng.standard_normal((T, rank)) @ rng.standard_normal((rank, d))
    centred_norm = np.linalg.norm(low_rank - low_rank.mean(axis=0))
    # A tiny spread would let SPEC's 1e-8 guards lift ER of a rank-1 matrix just above 1 (see random_matrix).
    H = (low_rank * (10 / centred_norm) if centred_norm > 1e-6 else low_rank) + 1.0
    er = effective_rank(H)
    assert 1 - 1e-6 <= er <= max(traditional_rank(H), 1) + 1e-6


@settings(max_examples=15, deadline=None)
@given(lengths=st.lists(st.integers(1, 60), min_size=1, max_size=6), d=st.integers(1, 20),
       stride=st.integers(1, 9), window=st.one_of(st.none(), st.integers(1, 50)), seed=seeds)
def test_batch_equals_one_by_one(lengths, d, stride, window, seed):
    rng = np.random.default_rng(seed)
    matrices = [rng.standard_normal((T, d)) for T in lengths]
    batch = rank_dynamics_batch(matrices, stride=stride, window=window)
    for H, got in zip(matrices, batch):
        alone = rank_dynamics(H, stride=stride, window=window)
        np.testing.assert_allclose([got.er, got.erv, got.era], [alone.er, alone.erv, alone.era], rtol=1e-10)
        np.testing.assert_allclose(got.prefix_er, alone.prefix_er, rtol=1e-10)
