"""Shared by the verl contract tests (which run only where verl is installed: `make test-verl`)."""

import pytest


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """The tiny random Qwen2 (hidden size 64, 2 layers) and its tokenizer, saved as a model folder verl can load."""
    from semspace.models.tiny import build_tiny_random

    model, tokenizer = build_tiny_random(seed=0)
    folder = tmp_path_factory.mktemp("tiny-qwen2")
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def verl_on_cpu():
    """This process as a one-rank verl worker on the CPU."""
    from tests.integrations.verl.cpu import start_verl_on_cpu

    start_verl_on_cpu()
