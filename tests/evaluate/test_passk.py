"""pass@k against brute-force enumeration of k-subsets, its edge cases, properties and refusals."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from semspace.errors import InvalidInputError
from semspace.evaluate import pass_at_k, pass_at_k_array, powers_of_two_up_to

from .oracle import brute_pass_at_k

SMALL = [(n, c, k) for n in range(1, 9) for c in range(n + 1) for k in range(1, n + 1)]


@pytest.mark.parametrize("n,c,k", SMALL)
def test_equals_brute_force_enumeration(n, c, k):
    assert pass_at_k(n, c, k) == pytest.approx(float(brute_pass_at_k(n, c, k)), abs=1e-12)


def test_array_equals_brute_force_for_every_small_case_at_once():
    for k in range(1, 9):
        cases = [(n, c) for n, c, kk in SMALL if kk == k]
        n, c = np.array(cases).T
        expected = [float(brute_pass_at_k(a, b, k)) for a, b in cases]
        np.testing.assert_allclose(pass_at_k_array(n, c, k), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 5, 16, 64])
def test_edge_cases(n):
    for k in range(1, n + 1):
        assert pass_at_k(n, 0, k) == 0.0, "no correct sample: no subset passes"
        assert pass_at_k(n, n, k) == 1.0, "every sample correct: every subset passes"
    for c in range(n + 1):
        assert pass_at_k(n, c, 1) == pytest.approx(c / n, abs=1e-12), "pass@1 is the share correct"
        assert pass_at_k(n, c, n) == (1.0 if c else 0.0), "k = n takes every sample"


def test_large_n_is_stable_where_binomials_overflow_floats():
    n, c, k = 2000, 3, 1000
    exact = 1 - math.comb(n - c, k) / math.comb(n, k)  # exact integer binomials, one rounding
    assert pass_at_k(n, c, k) == pytest.approx(exact, rel=1e-12)
    assert pass_at_k_array([n], [c], k)[0] == pytest.approx(exact, rel=1e-12)


@given(n=st.integers(1, 40), data=st.data())
def test_properties_monotone_in_k_and_c_and_a_probability(n, data):
    c = data.draw(st.integers(0, n))
    k = data.draw(st.integers(1, n))
    value = pass_at_k(n, c, k)
    assert 0.0 <= value <= 1.0
    if k < n:
        assert pass_at_k(n, c, k + 1) >= value - 1e-12
    if c < n:
        assert pass_at_k(n, c + 1, k) >= value - 1e-12
    assert pass_at_k_array([n], [c], k)[0] == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("n,c,k,needle", [
    (4, 1, 5, "at least 5 samples"),
    (4, 1, 0, "k >= 1"),
    (4, 5, 2, "c=5"),
    (4, -1, 2, "c=-1"),
])
def test_refuses_impossible_counts(n, c, k, needle):
    with pytest.raises(InvalidInputError, match=needle):
        pass_at_k(n, c, k)


def test_array_refuses_a_problem_with_fewer_than_k_samples_and_mismatched_arrays():
    with pytest.raises(InvalidInputError, match="at least 4 samples"):
        pass_at_k_array([4, 3], [1, 1], 4)
    with pytest.raises(InvalidInputError, match="correct count"):
        pass_at_k_array([4, 3], [1, 4], 1)
    with pytest.raises(InvalidInputError, match="one n and one c"):
        pass_at_k_array([4, 3], [1], 1)
    with pytest.raises(InvalidInputError, match="whole numbers"):
        pass_at_k_array([4.5], [1], 1)
    assert pass_at_k_array([], [], 3).shape == (0,)


def test_default_k_values_are_the_powers_of_two_up_to_n():
    assert powers_of_two_up_to(1) == [1]
    assert powers_of_two_up_to(4) == [1, 2, 4]
    assert powers_of_two_up_to(6) == [1, 2, 4]
    assert powers_of_two_up_to(16) == [1, 2, 4, 8, 16]
