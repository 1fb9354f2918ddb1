"""Properties every shaper keeps whatever the inputs: only a bonus, at most |A0|/κ, never a sign flip."""

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from semspace.shaping import EntropyShaper, VerlShaper

finite = st.floats(-50.0, 50.0, allow_nan=False, width=64)
indicator = st.one_of(finite, st.just(float("nan")))


def batches(size):
    """Several steps of (A0, er, erv, era) with NaN indicators and zero advantages mixed in."""
    row = st.tuples(st.one_of(finite, st.just(0.0)), indicator, indicator, indicator)
    return st.lists(st.lists(row, min_size=size, max_size=size), min_size=1, max_size=5)


def check_bonus(a0, shaped, kappa):
    """0 ≤ A' − A0 ≤ |A0|/κ (within rounding), nothing where A0 = 0, and the sign of A0 kept."""
    bonus = shaped - a0
    assert bool((bonus >= 0).all())
    assert bool((bonus <= a0.abs() / kappa + 1e-12).all())
    assert bool((shaped[a0 == 0] == 0).all())
    assert bool((torch.sign(shaped) == torch.sign(a0)).all())


@settings(max_examples=150, deadline=None)
@given(steps=batches(4), mode=st.sampled_from(["adaptive", "fixed", "sum"]),
       baseline=st.sampled_from(["ema", "reference"]), kappa=st.floats(1.5, 10.0),
       weight=st.floats(0.0, 3.0), gain=st.floats(0.0, 10.0), alpha=st.floats(0.01, 1.0))
def test_verl_only_adds_a_capped_bonus(steps, mode, baseline, kappa, weight, gain, alpha):
    shaper = VerlShaper(ema_alpha=alpha, gain=gain, weight=weight, kappa=kappa, mode=mode, baseline=baseline)
    for rows in steps:
        a0, er, erv, era = (torch.tensor(col, dtype=torch.float64) for col in zip(*rows))
        check_bonus(a0, shaper(a0, er=er, erv=erv, era=era), kappa)
        assert all(m is None or m == m for m in shaper.mu.values()), "a NaN never reaches a baseline"


@settings(max_examples=60, deadline=None)
@given(steps=batches(3), scope=st.sampled_from(["sequence", "last-token"]), lengths=st.lists(
    st.integers(0, 5), min_size=3, max_size=3))
def test_verl_token_scopes_keep_the_bound_on_every_token(steps, scope, lengths):
    shaper = VerlShaper(scope=scope)
    mask = torch.tensor([[i < n for i in range(5)] for n in lengths])
    for rows in steps:
        a0, er, erv, era = (torch.tensor(col, dtype=torch.float64) for col in zip(*rows))
        shaped = shaper(a0, er=er, erv=erv, era=era, completion_mask=mask)
        check_bonus(a0[:, None].expand(-1, 5), shaped, 2.0)
        assert bool((shaped[~mask] == a0[:, None].expand(-1, 5)[~mask]).all()), "padding gets no bonus"
        if scope == "last-token":
            assert bool(((shaped != a0[:, None]).sum(1) <= 1).all())


@settings(max_examples=100, deadline=None)
@given(a0=st.lists(st.one_of(finite, st.just(0.0)), min_size=2, max_size=2),
       entropy=st.lists(st.floats(0.0, 20.0), min_size=6, max_size=6),
       alpha=st.floats(0.0, 2.0), kappa=st.floats(1.5, 10.0))
def test_entropy_only_adds_a_capped_bonus(a0, entropy, alpha, kappa):
    a0 = torch.tensor(a0, dtype=torch.float64)
    mask = torch.tensor([[1, 1, 0], [1, 1, 1]])
    shaped = EntropyShaper(alpha=alpha, kappa=kappa)(a0, token_entropy=torch.tensor(entropy).view(2, 3),
                                                     completion_mask=mask)
    check_bonus(a0[:, None].expand(-1, 3), shaped, kappa)
