"""The stored H and token statistics equal an independent teacher-forced forward done here (SPEC §1)."""

import numpy as np
import pytest
import torch

from semspace.collect import CollectConfig, SamplingSettings, capture, run_collect
from semspace.metrics import MetricSettings
from semspace.models import tiny_random
from semspace.store import read_run


def independent_forward(model, prompt, response):
    """Full causal-LM forward of one unpadded sequence; the final norm's output is caught by a hook."""
    caught = {}
    hook = model.base_model.norm.register_forward_hook(lambda m, i, o: caught.setdefault("h", o))
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([prompt + response])).logits[0]
    hook.remove()
    return caught["h"][0], torch.log_softmax(logits.double(), dim=-1)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "aligned"
    config = CollectConfig(out=out, model="tiny-random", dataset="arithmetic:3", batch_size=3,
                           sampling=SamplingSettings(n=3, max_new_tokens=12), save_hidden=True,
                           hidden_dtype="float32", metrics=MetricSettings(stride=2, window=8))
    run_collect(config)
    return read_run(out, hidden=True)


@pytest.mark.parametrize("align", ["predictive", "token"])
def test_capture_matches_independent_forward(align):
    model = tiny_random().model
    prompts = [[5, 6, 7, 8, 9, 10], [11, 12, 13]]
    responses = [[20, 21, 22, 23], [30, 31, 32, 33, 34, 35, 36]]  # different lengths: padding in the batch
    captures = capture(model, prompts, responses, align=align)
    for prompt, response, got in zip(prompts, responses, captures):
        states, logp = independent_forward(model, prompt, response)
        P, T = len(prompt), len(response)
        rows = slice(P - 1, P + T - 1) if align == "predictive" else slice(P, P + T)
        np.testing.assert_allclose(got.hidden.numpy(), states[rows].numpy(), atol=1e-5)
        expected_logprob = logp[P - 1:P + T - 1].gather(1, torch.tensor(response)[:, None]).squeeze(1)
        np.testing.assert_allclose(got.tokens.logprob, expected_logprob.numpy(), atol=1e-5)
        probs = logp[P - 1:P + T - 1].exp()
        np.testing.assert_allclose(got.tokens.entropy, -(probs * logp[P - 1:P + T - 1]).sum(1).numpy(), atol=1e-5)


def test_stored_rows_match_independent_forward(collected):
    model = tiny_random().model
    assert len(collected) == 9
    for row in collected.itertuples():
        prompt = tiny_random().tokenizer(row.prompt, add_special_tokens=False)["input_ids"]
        response = row.response_token_ids.tolist()
        assert len(response) == row.n_tokens
        states, logp = independent_forward(model, prompt, response)
        P, T = len(prompt), len(response)
        np.testing.assert_allclose(row.hidden, states[P - 1:P + T - 1].numpy(), atol=1e-5)
        expected = logp[P - 1:P + T - 1].gather(1, torch.tensor(response)[:, None]).squeeze(1).numpy()
        np.testing.assert_allclose(row.token_logprob, expected, atol=1e-5)
        assert row.mean_logprob == pytest.approx(expected.mean(), abs=1e-5)


def test_stored_metrics_are_the_metrics_of_stored_hidden(collected):
    from semspace.metrics import rank_dynamics, response_entropy

    for row in collected.itertuples():
        dynamics = rank_dynamics(row.hidden, stride=2, window=8)
        assert row.er == pytest.approx(dynamics.er, rel=1e-9, nan_ok=True)
        assert row.erv == pytest.approx(dynamics.erv, rel=1e-9, nan_ok=True)
        assert row.era == pytest.approx(dynamics.era, rel=1e-9, nan_ok=True)
        assert row.response_entropy == pytest.approx(response_entropy(row.response_token_ids))


def test_samples_are_numbered_per_prompt_and_whole_prompts_stored(collected):
    counts = collected.groupby("prompt_id")["sample"].apply(sorted)
    assert all(samples == [0, 1, 2] for samples in counts)
    assert set(collected["finish_reason"]) <= {"stop", "length"}
    assert (collected.loc[collected.finish_reason == "length", "n_tokens"] == 12).all()
