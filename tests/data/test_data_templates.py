"""Prompt templates: the chat template carries the question and the boxed-answer instruction."""

import pytest
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

from semspace.data import INSTRUCTION, build_prompt
from semspace.errors import InvalidInputError

CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def tiny_tokenizer(chat_template=None):
    """A word-level tokenizer built in memory, with or without a ChatML template."""
    backend = Tokenizer(models.WordLevel({"[UNK]": 0, "<|im_start|>": 1, "<|im_end|>": 2}, unk_token="[UNK]"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="[UNK]", chat_template=chat_template)


def test_instruction_asks_for_boxed_answer():
    assert INSTRUCTION == r"Please reason step by step, and put your final answer within \boxed{}."


def test_chat_template():
    prompt = build_prompt(tiny_tokenizer(CHATML), "What is 2 + 3?")
    assert prompt == (
        "<|im_start|>user\nWhat is 2 + 3?\n" + INSTRUCTION + "<|im_end|>\n<|im_start|>assistant\n"
    )


def test_plain_template_needs_no_chat_template():
    prompt = build_prompt(tiny_tokenizer(), "What is 2 + 3?", template="plain")
    assert prompt.startswith("Question: What is 2 + 3?\n")
    assert INSTRUCTION in prompt
    assert prompt.endswith("Answer: Let's think step by step.")


def test_chat_without_template_says_use_plain():
    with pytest.raises(InvalidInputError) as caught:
        build_prompt(tiny_tokenizer(), "What is 2 + 3?")
    assert "--template plain" in caught.value.fix


def test_unknown_template():
    with pytest.raises(InvalidInputError, match="Unknown template"):
        build_prompt(tiny_tokenizer(CHATML), "x", template="fancy")
