"""Majorization primitives (SPEC §5) on hand-made spectra, and Schur consistency on random data."""

import numpy as np
import pytest

from semspace.metrics import (
    absolute_support_size,
    is_majorized_by,
    normalized_spectrum,
    prefix_spectra,
    rank_dynamics,
    shannon_effective_rank,
    sliding_spectra,
    support_size,
)
from tests.metrics.oracle import er_oracle


def test_known_majorizing_pair():
    uniform = [0.25, 0.25, 0.25, 0.25]
    peaked = [0.7, 0.1, 0.1, 0.1]
    assert is_majorized_by(uniform, peaked)  # uniform is more uniform
    assert not is_majorized_by(peaked, uniform)


def test_non_comparable_pair():
    """(0.6, 0.2, 0.2) vs (0.5, 0.4, 0.1): partial sums 0.6 > 0.5 but 0.8 < 0.9, neither majorizes."""
    a, b = [0.6, 0.2, 0.2], [0.5, 0.4, 0.1]
    assert not is_majorized_by(a, b)
    assert not is_majorized_by(b, a)


def test_spectra_of_different_lengths_are_zero_padded():
    assert is_majorized_by([1, 1, 1], [1, 1])  # three equal directions vs two
    assert normalized_spectrum([0, 0]).tolist() == [0.0, 0.0]


def test_support_counts_relative_and_absolute():
    q = normalized_spectrum([10.0, 5.0, 1e-3, 1e-9])
    assert support_size(q, tau=1e-3) == 2
    assert support_size(q, tau=1e-5) == 3
    assert absolute_support_size([10.0, 5.0, 1e-3, 1e-9], shape=(4, 4)) == 3


def test_prefix_spectra_are_the_svd_of_each_centred_prefix():
    H = np.random.default_rng(0).standard_normal((50, 12))
    spectra = prefix_spectra(H, stride=10)
    assert len(spectra) == 4
    for j, sigma in enumerate(spectra, start=1):
        prefix = H[: 10 * j + 1]
        expected = np.linalg.svd(prefix - prefix.mean(axis=0), compute_uv=False)
        np.testing.assert_allclose(np.pad(sigma, (0, expected.size - sigma.size)), expected, atol=1e-9)
        assert er_oracle(prefix) == pytest.approx(rank_dynamics(H, stride=10).prefix_er[j - 1], rel=1e-9)


def test_sliding_windows_have_fixed_length():
    H = np.random.default_rng(1).standard_normal((40, 6))
    spectra = sliding_spectra(H, width=10, stride=5)
    assert len(spectra) == 7
    window = H[15:25]
    np.testing.assert_allclose(spectra[3], np.linalg.svd(window - window.mean(0), compute_uv=False), atol=1e-9)


def test_schur_consistency_holds_on_random_data():
    """Wherever q_j ≺ q_{j-1}, exp(Shannon entropy) must not decrease: a violation would be a bug."""
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(20):
        spectra = prefix_spectra(rng.standard_normal((60, 8)) * rng.uniform(0.1, 3, 8), stride=4)
        for prev, cur in zip(spectra, spectra[1:]):
            q_prev, q_cur = normalized_spectrum(prev), normalized_spectrum(cur)
            if is_majorized_by(q_cur, q_prev, tol=0.0):
                checked += 1
                assert shannon_effective_rank(q_cur) >= shannon_effective_rank(q_prev) - 1e-12
    assert checked > 0
