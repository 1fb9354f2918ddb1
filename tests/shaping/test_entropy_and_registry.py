"""EntropyShaper by hand (SPEC §7), NoShaper, and choosing a shaper by name."""

import math

import pytest
import torch

from semspace.errors import InvalidInputError
from semspace.shaping import EntropyShaper, NoShaper, VerlShaper, make_shaper


def test_entropy_bonus_by_hand():
    a0 = torch.tensor([1.0, -0.5])
    entropy = torch.tensor([[0.5, 3.0, math.nan], [2.0, 0.1, 9.0]], requires_grad=True)
    mask = torch.tensor([[1, 1, 0], [1, 1, 1]])
    shaper = EntropyShaper()
    out = shaper(a0, token_entropy=entropy, completion_mask=mask)
    # ψ = min(0.4·H, |A0|/2): row 0 cap 0.5 -> 0.2, 0.5; row 1 cap 0.25 -> 0.25, 0.04, 0.25; padding nothing.
    expected = torch.tensor([[1.2, 1.5, 1.0], [-0.25, -0.46, -0.25]])
    torch.testing.assert_close(out, expected)
    assert not out.requires_grad, "the entropy is detached"
    mean_bonus = (0.2 + 0.5 + 0.25 + 0.04 + 0.25) / 5
    assert shaper.last_stats == pytest.approx({"bonus_fraction": 1.0, "mean_bonus": mean_bonus})


def test_entropy_keeps_dtype_and_refuses_mismatched_shapes():
    a0 = torch.tensor([1.0, 0.0], dtype=torch.bfloat16)
    out = EntropyShaper(alpha=1.0, kappa=4.0)(a0, token_entropy=torch.ones(2, 2), completion_mask=torch.ones(2, 2))
    assert out.dtype == torch.bfloat16 and out.tolist() == [[1.25, 1.25], [0.0, 0.0]]
    with pytest.raises(InvalidInputError, match="token_entropy"):
        EntropyShaper()(a0, token_entropy=torch.ones(2, 3), completion_mask=torch.ones(2, 2))


def test_no_shaper_returns_the_advantages():
    a0 = torch.tensor([0.5, -1.0])
    assert torch.equal(NoShaper()(a0), a0)


def test_make_shaper_builds_each_kind_with_its_options():
    assert isinstance(make_shaper("none"), NoShaper)
    entropy = make_shaper("entropy", alpha=0.1)
    assert isinstance(entropy, EntropyShaper) and entropy.alpha == 0.1
    verl = make_shaper("verl", mode="sum", baseline="reference", kappa=3.0)
    assert isinstance(verl, VerlShaper) and (verl.mode, verl.baseline, verl.kappa) == ("sum", "reference", 3.0)


def test_make_shaper_refuses_unknown_names_and_options():
    with pytest.raises(InvalidInputError, match="Unknown shaper"):
        make_shaper("kl")
    with pytest.raises(InvalidInputError, match="gain"):
        make_shaper("entropy", gain=2.0)


def test_stateless_shapers_round_trip_and_refuse_foreign_state():
    for shaper in (NoShaper(), EntropyShaper()):
        shaper.load_state_dict(shaper.state_dict())
        with pytest.raises(InvalidInputError, match="no state"):
            shaper.load_state_dict(VerlShaper().state_dict())
