"""The trainer-side glue on the batch verl builds for its advantages: a real DataProto padded from nested fields as
TransferQueue returns them, GRPO advantages from verl's own estimator, and every expected number worked out here."""

import math

import pytest

verl = pytest.importorskip("verl", reason="verl 0.9 is not installed here; `make test-verl` runs this in .venv-verl")
pytestmark = pytest.mark.verl

import torch  # noqa: E402
from tensordict import TensorDict  # noqa: E402
from verl import DataProto  # noqa: E402
from verl.trainer.ppo.core_algos import compute_grpo_outcome_advantage  # noqa: E402

from semspace.integrations.verl.checkpoint import SHAPER_STATE, load_shaper_state, save_shaper_state  # noqa: E402
from semspace.integrations.verl.engine import INDICATORS, MEAN_STATE  # noqa: E402
from semspace.integrations.verl.step import shape_step  # noqa: E402
from semspace.shaping import EntropyShaper, VerlShaper  # noqa: E402

NAN = math.nan
# Two GRPO groups of two responses (rewards 1, 0) and one verl padding sample (response_mask 0, its own uid).
LENGTHS = (6, 5, 7, 3, 1)
REWARDS = (1.0, 0.0, 1.0, 0.0, 0.0)
UIDS = ("a", "a", "b", "b", "pad")
REAL = torch.tensor([True, True, True, True, False])
# Step 1's real rows have means (er, erv, era) = (3, 2, 1): the `ema` baselines after it.
STEP1 = ((2.0, 1.0, 0.5), (4.0, 3.0, 1.5), (3.0, 2.0, 1.0), (NAN, NAN, NAN), (NAN, NAN, NAN))
# Step 2: response 0 deviates by (0.2, 0.25, 0.2), 1 downwards, 2 by (0.5, 0.5, 1.0), 3 has no indicators.
STEP2 = ((3.6, 2.5, 1.2), (2.4, 1.0, 0.8), (4.5, 3.0, 2.0), (NAN, NAN, NAN), (NAN, NAN, NAN))
A0 = 1.0 / (math.sqrt(0.5) + 1e-6) * 0.5  # GRPO of rewards (1, 0): ±0.5 / unbiased std (√0.5), eps 1e-6


def nested(rows):
    return torch.nested.as_nested_tensor(rows, layout=torch.jagged)


def advantage_batch(indicators) -> DataProto:
    """What `_compute_advantage` builds: TransferQueue's nested fields, padded, with verl's GRPO advantages."""
    masks = [torch.ones(n, dtype=torch.int64) for n in LENGTHS[:-1]] + [torch.zeros(1, dtype=torch.int64)]
    scores = [torch.zeros(n) for n in LENGTHS]
    for score, reward in zip(scores, REWARDS):
        score[-1] = reward
    response_mask, token_rewards = nested(masks).to_padded_tensor(0), nested(scores).to_padded_tensor(0.0)
    advantages, _ = compute_grpo_outcome_advantage(token_rewards, response_mask, index=list(UIDS))
    fields = TensorDict({
        "response_mask": nested(masks), "rm_scores": nested(scores),
        "advantages": nested([row[:n] for row, n in zip(advantages, LENGTHS)]),
        "entropy": nested([torch.full((n,), 0.5 + i) for i, n in enumerate(LENGTHS)]),
        INDICATORS: nested([torch.tensor(row, dtype=torch.float64) for row in indicators]),
        MEAN_STATE: nested([torch.full((4,), float(i)) if i < 4 else torch.full((4,), NAN) for i in range(5)]),
    }, batch_size=5)
    return DataProto(batch=fields.to_padded_tensor())


def shape(shaper, indicators):
    return shape_step(shaper, advantage_batch(indicators), REAL, global_stride=2, correct_above=0.0)


def per_response(shaped: torch.Tensor) -> list[float]:
    """The value on each response's first token (0 for the padding sample)."""
    return [float(shaped[i, 0]) for i in range(len(LENGTHS))]


def test_first_step_gives_no_bonus_and_logs_the_step():
    shaper = VerlShaper()
    batch = advantage_batch(STEP1)
    shaped, metrics = shape_step(shaper, batch, REAL, global_stride=2, correct_above=0.0)
    assert torch.equal(shaped, batch.batch["advantages"]), "ema baselines exist only after the first step"
    assert per_response(shaped) == pytest.approx([A0, -A0, A0, -A0, 0.0], rel=1e-6)
    assert shaper.mu == {"er": 3.0, "erv": 2.0, "era": 1.0}, "batch means over the real, finite responses"
    assert metrics["semspace/responses"] == 4, "verl's padding sample is not a response"
    assert metrics["semspace/reward_mean"] == 0.5 and metrics["semspace/accuracy"] == 0.5
    assert metrics["semspace/length_mean"] == pytest.approx(sum(LENGTHS[:4]) / 4)
    assert metrics["semspace/token_entropy_mean"] == pytest.approx((0.5 + 1.5 + 2.5 + 3.5) / 4)
    assert metrics["semspace/er_mean_correct"] == 2.5 and metrics["semspace/er_mean_incorrect"] == 4.0
    assert metrics["semspace/shaper_bonus_fraction"] == 0.0
    assert "semspace/global_er" in metrics, "the dataset-level ranks of the mean states (paper Fig. 3)"


def test_second_step_bonus_by_hand_and_capped_at_half_the_advantage():
    shaper = VerlShaper()
    shape(shaper, STEP1)
    shaped, metrics = shape(shaper, STEP2)
    beta = 1.0 / (1.0 + math.exp(-2.0 * 0.2))
    bonus0 = beta * math.tanh(0.2) + (1.0 - beta) * math.tanh(0.25)
    # Response 2's aux is tanh(0.5) = 0.46 > |A0|/2 = 0.35: capped. 1 deviates downwards, 3 has no indicators.
    assert per_response(shaped) == pytest.approx([A0 + bonus0, -A0, A0 + A0 / 2, -A0, 0.0], rel=1e-6)
    mask = advantage_batch(STEP2).batch["response_mask"].bool()
    assert (shaped[~mask] == 0).all(), "nothing lands outside response_mask"
    for i, n in enumerate(LENGTHS[:4]):
        assert torch.all(shaped[i, :n] == shaped[i, 0]), "scope `sequence`: the same bonus on every token"
    assert metrics["semspace/shaper_bonus_fraction"] == 0.5, "2 of the 4 responses; the padding sample is none"
    assert metrics["semspace/shaper_mu_er"] == 3.0


def test_shaper_state_round_trip_through_a_checkpoint_folder(tmp_path):
    uninterrupted, saved = VerlShaper(), VerlShaper()
    shape(uninterrupted, STEP1)
    shape(saved, STEP1)
    save_shaper_state(str(tmp_path / "global_step_1"), saved)
    assert (tmp_path / "global_step_1" / SHAPER_STATE).is_file()
    resumed = VerlShaper()
    load_shaper_state(str(tmp_path / "global_step_1"), resumed)
    assert torch.equal(shape(resumed, STEP2)[0], shape(uninterrupted, STEP2)[0])
    assert resumed.state_dict() == uninterrupted.state_dict()


def test_entropy_shaper_reads_verl_token_entropies():
    shaped, _ = shape(EntropyShaper(alpha=0.4, kappa=2.0), STEP1)
    # ψ = min(0.4 · H, |A0|/2) with H = 0.5, 1.5, 2.5, 3.5 on responses 0..3.
    expected = [A0 + min(0.2, A0 / 2), -A0 + min(0.6, A0 / 2), A0 + A0 / 2, -A0 + A0 / 2, 0.0]
    assert per_response(shaped) == pytest.approx(expected, rel=1e-6)
