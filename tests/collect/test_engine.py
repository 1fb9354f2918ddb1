"""The engine a run asks for: backend combinations, GPU memory shares, where vLLM reads a model, the LM head
read alone from a checkpoint. The real vLLM engines are tested in tests/vllm (make test-vllm)."""

import sys
import types

import numpy as np
import pytest
import torch
from transformers import Qwen2Config, Qwen2ForCausalLM

from semspace.collect import CollectConfig, HFCapturer, HFSampler, SamplingSettings, VLLMSampler, open_engine
from semspace.collect.engine import memory_shares, model_folder
from semspace.collect.lm_head import load_output_head
from semspace.collect.seeds import response_seed
from semspace.collect.vllm_backend import token_groups
from semspace.errors import InvalidInputError, ModelNotAvailableError
from semspace.models import resolve_model, tiny_random
from semspace.models.tiny import tiny_tokenizer


def config(**settings) -> CollectConfig:
    return CollectConfig(out="unused", **settings)


@pytest.mark.parametrize("settings,shares", [
    ({"backend": "hf"}, (None, None)),
    ({"backend": "vllm"}, (0.6, 0.3)),
    ({"backend": "vllm", "gpu_memory_utilization": 0.6}, (0.4, 0.2)),
    ({"backend": "vllm", "capture_backend": "hf"}, (0.6, None)),
])
def test_gpu_memory_is_split_two_thirds_to_sampling(settings, shares):
    assert memory_shares(config(**settings)) == pytest.approx(shares)


@pytest.mark.parametrize("settings,needle", [
    ({"capture_backend": "vllm"}, "--capture-backend vllm needs --backend vllm"),
    ({"capture_backend": "onnx"}, "--capture-backend must be one of"),
    ({"backend": "vllm", "layers": (1,)}, "--layers needs --capture-backend hf"),
    ({"gpu_memory_utilization": 0.5}, "applies to --backend vllm only"),
    ({"backend": "vllm", "gpu_memory_utilization": 1.5}, "(0, 1]"),
])
def test_engine_settings_that_cannot_run_are_refused(settings, needle):
    with pytest.raises(InvalidInputError) as raised:
        config(**settings).check()
    assert needle in raised.value.cause


def test_layers_are_allowed_with_vllm_sampling_and_hf_capture():
    config(backend="vllm", capture_backend="hf", layers=(1,)).check()


def test_hf_engine_samples_and_captures_with_one_model():
    engine = open_engine(config(model="tiny-random", device="cpu"))
    assert isinstance(engine.sampler, HFSampler) and isinstance(engine.capturer, HFCapturer)
    assert engine.sampler.model is engine.capturer.model
    assert engine.model.describe().startswith("model tiny-random on cpu, float32 (auto:")
    assert (engine.model.hidden_size, engine.model.num_layers) == (64, 2)


def test_vllm_reads_folders_never_the_in_memory_model(tmp_path):
    with pytest.raises(InvalidInputError, match="tiny-random lives only in memory"):
        model_folder(resolve_model("tiny-random"))
    saved = tmp_path / "model"
    tiny_random().model.save_pretrained(saved)
    assert model_folder(resolve_model(str(saved))) == saved.resolve()


def test_vllm_hub_model_offline_and_not_cached_fails_at_once(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotAvailableError, match="HF_HUB_OFFLINE"):
        model_folder(resolve_model("semspace-test/not-downloaded"))


def test_vllm_hub_model_is_its_cached_snapshot(tmp_path, monkeypatch):
    import huggingface_hub.constants

    snapshot = tmp_path / "hub" / "models--semspace-test--tiny" / "snapshots" / ("0" * 40)
    (snapshot.parents[1] / "refs").mkdir(parents=True)
    (snapshot.parents[1] / "refs" / "main").write_text("0" * 40)
    tiny_random().model.save_pretrained(snapshot)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    assert model_folder(resolve_model("semspace-test/tiny")) == snapshot


def small_qwen(tied: bool) -> Qwen2ForCausalLM:
    tokenizer = tiny_tokenizer()
    settings = Qwen2Config(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=96, num_hidden_layers=1,
                           num_attention_heads=2, num_key_value_heads=1, tie_word_embeddings=tied)
    torch.manual_seed(3)
    return Qwen2ForCausalLM(settings).eval()


@pytest.mark.parametrize("tied,shard", [(True, None), (False, None), (False, "100KB")])
def test_lm_head_is_read_alone_from_the_checkpoint(tmp_path, tied, shard):
    model = small_qwen(tied)
    model.save_pretrained(tmp_path, **({"max_shard_size": shard} if shard else {}))
    assert (tmp_path / "model.safetensors.index.json").is_file() == bool(shard)
    head = load_output_head(tmp_path, model.config, dtype=torch.float32, device="cpu")
    assert torch.equal(head.weight, model.get_output_embeddings().weight)
    assert head.bias is None and head.softcap is None


def test_lm_head_token_statistics_equal_the_models_own_logits(tmp_path):
    model = small_qwen(tied=False)
    model.save_pretrained(tmp_path)
    head = load_output_head(tmp_path, model.config, dtype=torch.float32, device="cpu")
    ids = [5, 9, 200, 31, 7, 64, 2]
    with torch.no_grad():
        output = model(input_ids=torch.tensor([ids]), output_hidden_states=True)
    logp = torch.log_softmax(output.logits[0, :-1].double(), dim=-1)
    stats = head.token_stats(output.hidden_states[-1][0, :-1], ids[1:])
    np.testing.assert_allclose(stats.logprob, logp.gather(1, torch.tensor(ids[1:])[:, None]).squeeze(1), atol=1e-5)
    np.testing.assert_allclose(stats.entropy, -(logp.exp() * logp).sum(1), atol=1e-5)
    np.testing.assert_allclose(stats.top1_prob, logp.exp().amax(1), atol=1e-6)


def test_checkpoint_without_safetensors_says_what_to_do(tmp_path):
    model = small_qwen(tied=True)
    model.config.save_pretrained(tmp_path)
    with pytest.raises(ModelNotAvailableError, match="--capture-backend hf"):
        load_output_head(tmp_path, model.config, dtype=torch.float32, device="cpu")


def fake_vllm(calls: dict) -> types.ModuleType:
    """A stand-in `vllm` module recording our calls; it generates nothing real (tests/vllm uses the engine)."""
    class FakeLLM:
        def __init__(self, **kwargs):
            calls["init"] = kwargs

        def generate(self, requests, params, use_tqdm):
            calls["requests"], calls["params"] = requests, params
            reasons = ["stop", "length"]
            return [types.SimpleNamespace(outputs=[types.SimpleNamespace(token_ids=(i, i + 1),
                                                                         finish_reason=reasons[i % 2])])
                    for i in range(len(requests))]

    module = types.ModuleType("vllm")
    module.LLM = FakeLLM
    module.SamplingParams = lambda **kwargs: types.SimpleNamespace(**kwargs)
    module.TokensPrompt = dict
    platforms = types.ModuleType("vllm.platforms")
    platforms.current_platform = types.SimpleNamespace(is_cpu=lambda: True)
    return module, platforms


def test_vllm_sampler_sends_one_seeded_request_per_response(monkeypatch):
    calls = {}
    module, platforms = fake_vllm(calls)
    monkeypatch.setitem(sys.modules, "vllm", module)
    monkeypatch.setitem(sys.modules, "vllm.platforms", platforms)
    sampler = VLLMSampler("/models/x", tokenizer_folder="/models/x", dtype="bfloat16", gpu_memory_utilization=0.6,
                          stop_ids={7, 2})
    result = sampler.sample([[5, 6], [7]], SamplingSettings(n=2, max_new_tokens=9), run_seed=3, prompt_indices=[10, 11])
    assert calls["init"] == {"model": "/models/x", "tokenizer": "/models/x", "dtype": "bfloat16",
                             "gpu_memory_utilization": 0.6, "enforce_eager": True}
    assert calls["requests"] == [{"prompt_token_ids": [5, 6]}] * 2 + [{"prompt_token_ids": [7]}] * 2
    assert [p.seed for p in calls["params"]] == [response_seed(3, 10, 0), response_seed(3, 10, 1),
                                                 response_seed(3, 11, 0), response_seed(3, 11, 1)]
    assert all(p.n == 1 and p.stop_token_ids == [2, 7] and p.max_tokens == 9 and not p.detokenize
               for p in calls["params"])
    assert [[(c.token_ids, c.finish_reason) for c in group] for group in result] == [
        [([0, 1], "stop"), ([1, 2], "length")], [([2, 3], "stop"), ([3, 4], "length")]]


@pytest.mark.parametrize("lengths,groups", [
    ([], []), ([5], [[0]]), ([3, 4, 3], [[0, 1, 2]]), ([6, 5, 4], [[0], [1, 2]]), ([20, 2, 2], [[0], [1, 2]]),
])
def test_pooling_calls_take_consecutive_sequences_within_the_token_budget(lengths, groups):
    assert token_groups(lengths, 10) == groups


def test_vllm_missing_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "vllm", None)
    with pytest.raises(ModelNotAvailableError, match="semspace\\[vllm\\]"):
        VLLMSampler("/models/x", tokenizer_folder="/models/x", dtype="bfloat16", gpu_memory_utilization=0.6,
                    stop_ids={2})
