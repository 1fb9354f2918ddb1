"""Token-level baselines (SPEC §4) against direct float64 formulas."""

import math

import numpy as np
import pytest
import torch

from semspace.errors import InvalidInputError
from semspace.metrics import perplexity, response_entropy, token_entropy, token_logprob, token_statistics


def reference_stats(logits, ids):
    z = logits.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    p = np.exp(logp)
    return -(p * logp).sum(axis=1), logp[np.arange(len(ids)), ids], p.max(axis=1)


def test_statistics_match_float64_formulas_across_chunks():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((37, 50)) * 3
    ids = rng.integers(0, 50, size=37)
    entropy, logprob, top1 = reference_stats(logits, ids)
    stats = token_statistics(torch.tensor(logits, dtype=torch.float32), ids, chunk_rows=8)
    np.testing.assert_allclose(stats.entropy, entropy, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(stats.logprob, logprob, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(stats.top1_prob, top1, rtol=1e-5)
    assert stats.mean_logprob == pytest.approx(logprob.mean(), rel=1e-5)
    assert stats.perplexity == pytest.approx(math.exp(-logprob.mean()), rel=1e-5)
    assert stats.mean_top1_prob == pytest.approx(top1.mean(), rel=1e-5)


def test_log_probs_give_the_same_numbers_as_logits():
    logits = torch.randn(10, 30, generator=torch.Generator().manual_seed(1))
    ids = torch.arange(10)
    from_logits = token_statistics(logits, ids)
    from_logprobs = token_statistics(torch.log_softmax(logits, dim=-1), ids)
    np.testing.assert_allclose(from_logits.entropy, from_logprobs.entropy, rtol=1e-5)
    np.testing.assert_allclose(token_logprob(logits, ids), from_logprobs.logprob, rtol=1e-5)


def test_bfloat16_logits_are_upcast_per_chunk():
    logits = torch.randn(20, 1000, generator=torch.Generator().manual_seed(2)) * 4
    expected = reference_stats(logits.to(torch.bfloat16).double().numpy(), np.zeros(20, dtype=int))[0]
    np.testing.assert_allclose(token_entropy(logits.to(torch.bfloat16), chunk_rows=3), expected, rtol=1e-5)


def test_uniform_distribution_has_entropy_log_vocab():
    np.testing.assert_allclose(token_entropy(np.zeros((4, 64))), np.full(4, math.log(64)), rtol=1e-6)


def test_response_entropy_of_unigram_counts():
    # tokens a a b c: p = (1/2, 1/4, 1/4)
    assert response_entropy([7, 7, 8, 9]) == pytest.approx(-(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25)))
    assert response_entropy([5, 5, 5]) == 0.0
    assert math.isnan(response_entropy([]))


def test_perplexity_and_empty_response():
    assert perplexity([-1.0, -3.0]) == pytest.approx(math.exp(2.0))
    stats = token_statistics(np.zeros((0, 10)), [])
    assert math.isnan(stats.mean_entropy) and math.isnan(stats.perplexity)


def test_bad_token_ids_are_refused():
    with pytest.raises(InvalidInputError, match="one token id per row"):
        token_statistics(np.zeros((3, 5)), [1, 2])
    with pytest.raises(InvalidInputError, match="outside the vocabulary"):
        token_statistics(np.zeros((2, 5)), [1, 5])
    with pytest.raises(InvalidInputError, match="NaN or \\+inf"):
        token_entropy(np.full((2, 5), np.nan))


def test_masked_logits_count_as_impossible_tokens():
    """-inf logits (a masked vocabulary) give the entropy and log-probs of the distribution over the rest."""
    logits = torch.tensor([[2.0, -math.inf, 0.5, -math.inf], [0.0, 1.0, -math.inf, 3.0]])
    stats = token_statistics(logits, [0, 3])
    for row, token, (entropy, logprob) in zip(logits, (0, 3), zip(stats.entropy, stats.logprob)):
        allowed = row[torch.isfinite(row)].double()
        p = torch.softmax(allowed, 0)
        assert entropy == pytest.approx(float(-(p * p.log()).sum()))
        assert logprob == pytest.approx(float(torch.log_softmax(row.double(), 0)[token]))


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_nan_and_positive_infinity_still_raise(bad):
    with pytest.raises(InvalidInputError, match="NaN or \\+inf"):
        token_statistics(torch.tensor([[0.0, bad, 1.0]]))


def test_a_row_with_no_possible_token_raises():
    with pytest.raises(InvalidInputError, match="-inf everywhere"):
        token_statistics(torch.full((1, 3), -math.inf))
