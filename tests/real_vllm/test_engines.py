"""vLLM sampling and capture in one process: a seed per response, and H equal to transformers' forward."""

import numpy as np
import pytest
import torch

from semspace.collect import CollectConfig, SamplingSettings, VLLMCapturer, VLLMSampler, open_engine, vllm_backend
from tests.real_vllm import SKIP_REASON

pytest.importorskip("vllm", reason=SKIP_REASON)
pytestmark = pytest.mark.vllm

SETTINGS = SamplingSettings(n=3, max_new_tokens=24)


@pytest.fixture(scope="module")
def engine(model_dir, tmp_path_factory):
    """Both vLLM engines, opened as `collect --backend vllm` opens them, with transformers' model loading
    switched off: that it opens at all shows no transformers model is loaded."""
    import transformers

    def refuse(*args, **kwargs):
        raise AssertionError("a transformers model was loaded in vLLM capture mode")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transformers.AutoModelForCausalLM, "from_pretrained", refuse)
        patch.setattr(transformers.PreTrainedModel, "from_pretrained", refuse)
        return open_engine(CollectConfig(out=tmp_path_factory.mktemp("unused"), model=str(model_dir),
                                         backend="vllm"))


def prompt_ids(engine, texts):
    return [engine.tokenizer(text)["input_ids"] for text in texts]


def tokens(groups):
    return [[c.token_ids for c in group] for group in groups]


def test_vllm_mode_runs_both_passes_in_vllm(engine):
    assert isinstance(engine.sampler, VLLMSampler) and isinstance(engine.capturer, VLLMCapturer)
    assert engine.model.dtype == "float32" and engine.model.where.endswith("in vLLM")
    assert (engine.model.hidden_size, engine.model.num_layers) == (64, 2)


def test_sampling_is_reproducible_by_seed(engine):
    ids = prompt_ids(engine, ["What is 2 + 3?", "Compute 7 times 8."])
    first = engine.sampler.sample(ids, SETTINGS, run_seed=5, prompt_indices=[0, 1])
    again = engine.sampler.sample(ids, SETTINGS, run_seed=5, prompt_indices=[0, 1])
    other = engine.sampler.sample(ids, SETTINGS, run_seed=6, prompt_indices=[0, 1])
    assert tokens(first) == tokens(again)
    assert all(tokens(first)[b][j] != tokens(other)[b][j] for b in range(2) for j in range(3))
    for completion in (c for group in first for c in group):
        assert 0 < len(completion.token_ids) <= SETTINGS.max_new_tokens
        assert completion.finish_reason == "length" or completion.token_ids[-1] in engine.sampler.stop_ids


def test_every_response_has_its_own_stream(engine):
    """Three copies of one prompt: under the old seeds sample j of copy k repeated sample j-1 of copy k-1."""
    ids = prompt_ids(engine, ["What is 4 + 4?"] * 3)
    groups = tokens(engine.sampler.sample(ids, SETTINGS, run_seed=0, prompt_indices=[0, 1, 2]))
    responses = [tuple(response) for group in groups for response in group]
    assert len(set(responses)) == 9


def test_a_response_does_not_depend_on_its_batch(engine):
    ids = prompt_ids(engine, ["What is 9 - 3?", "What is 1 + 1?", "Compute 5 times 5."])
    together = tokens(engine.sampler.sample(ids, SETTINGS, run_seed=2, prompt_indices=[7, 8, 9]))
    alone = tokens(engine.sampler.sample(ids[1:2], SETTINGS, run_seed=2, prompt_indices=[8]))
    assert alone[0] == together[1]


def transformers_forward(model, prompt, response):
    """The oracle: one unpadded forward; the final norm's output caught by a hook, log-probs from the logits."""
    caught = {}
    hook = model.model.norm.register_forward_hook(lambda module, args, output: caught.setdefault("h", output))
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([prompt + response])).logits[0]
    hook.remove()
    return caught["h"][0], torch.log_softmax(logits.double(), dim=-1)


@pytest.mark.parametrize("align", ["predictive", "token"])
def test_vllm_capture_equals_transformers(engine, oracle, align, monkeypatch):
    """A small pooling budget splits the sequences over several engine calls; each capture keeps its place."""
    model, _ = oracle
    monkeypatch.setattr(vllm_backend, "ENCODE_TOKENS", 40)
    prompts = prompt_ids(engine, ["What is 2 + 3?", "A longer prompt: compute 12 times 12, then add 7.", "1 + 1?"])
    responses = [[40, 41, 42, 43, 44, 45, 46], list(range(300, 340)), [7, 8, 9]]
    assert len(vllm_backend.token_groups([len(p) + len(r) for p, r in zip(prompts, responses)], 40)) == 3
    captures = engine.capturer.capture(prompts, responses, align=align, layers=())
    for prompt, response, got in zip(prompts, responses, captures):
        states, logp = transformers_forward(model, prompt, response)
        P, T = len(prompt), len(response)
        rows = slice(P - 1, P + T - 1) if align == "predictive" else slice(P, P + T)
        assert got.hidden.dtype == torch.float32 and got.hidden.shape == (T, 64)
        np.testing.assert_allclose(got.hidden.numpy(), states[rows].numpy(), atol=1e-5)
        predicted = logp[P - 1:P + T - 1]
        expected = predicted.gather(1, torch.tensor(response)[:, None]).squeeze(1)
        np.testing.assert_allclose(got.tokens.logprob, expected.numpy(), atol=1e-5)
        np.testing.assert_allclose(got.tokens.entropy, -(predicted.exp() * predicted).sum(1).numpy(), atol=1e-5)
        np.testing.assert_allclose(got.tokens.top1_prob, predicted.exp().amax(1).numpy(), atol=1e-5)
