"""Sampling: n completions per prompt as exact token ids (transformers here, vLLM in vllm_backend).

Hidden states come later, from capture. Seeds come from semspace.collect.seeds: vLLM gives every response its
own; transformers `generate` draws a whole batch from one generator, so there each batch gets one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import torch

from semspace.collect.seeds import batch_seed
from semspace.collect.streaming import TokenCounter


@dataclass(frozen=True)
class SamplingSettings:
    """The paper's analysis sampling unless the user says otherwise (temperature 1.0, top-p 1.0, its response
    length of 1536 tokens)."""

    n: int = 8
    temperature: float = 1.0
    top_p: float = 1.0
    max_new_tokens: int = 1536


@dataclass(frozen=True)
class Completion:
    """One sampled response: its token ids (the stop token included) and why sampling ended."""

    token_ids: list[int]
    finish_reason: str  # "stop" | "length"


class Sampler(Protocol):
    """What the pipeline needs from a backend: completions for a batch of prompts, which are the prompts
    `prompt_indices` (positions in the dataset) of a run seeded `run_seed`, reporting the tokens sampled so far to
    `on_tokens`."""

    def sample(self, prompt_ids: list[list[int]], settings: SamplingSettings, *, run_seed: int,
               prompt_indices: list[int], on_tokens: Callable[[int], None] | None = None) -> list[list[Completion]]:
        ...


def stop_ids(generation_config, tokenizer) -> set[int]:
    """Every token id that ends a response: the generation config's eos ids plus the tokenizer's."""
    configured = generation_config.eos_token_id
    ids = set(configured if isinstance(configured, list) else [configured] if configured is not None else [])
    if tokenizer.eos_token_id is not None:
        ids.add(tokenizer.eos_token_id)
    return ids


def cut_at_stop(new_tokens: list[int], stops: set[int]) -> Completion:
    """Keep tokens up to and including the first stop token; no stop means the length limit ended it."""
    for position, token in enumerate(new_tokens):
        if token in stops:
            return Completion(new_tokens[: position + 1], "stop")
    return Completion(new_tokens, "length")


class HFSampler:
    """transformers `generate` on left-padded prompt batches, num_return_sequences = n.

    All responses of a batch come from one random stream, seeded by the batch's first prompt: a response
    depends on the whole batch (--batch-size and which prompts are in it), not on its own seed alone. Batches
    are fixed by prompt index, so a resumed run meets the same batches and gives the same responses.
    """

    def __init__(self, model, tokenizer):
        self.model = model
        self.tokenizer = tokenizer
        self.stops = stop_ids(model.generation_config, tokenizer)

    def sample(self, prompt_ids: list[list[int]], settings: SamplingSettings, *, run_seed: int,
               prompt_indices: list[int], on_tokens: Callable[[int], None] | None = None) -> list[list[Completion]]:
        """Sample settings.n completions per prompt; the same run seed and batch always give the same tokens."""
        input_ids, attention_mask = left_pad(prompt_ids, self.tokenizer.pad_token_id, self.model.device)
        streamer = TokenCounter(self.stops, on_tokens) if on_tokens else None
        torch.manual_seed(batch_seed(run_seed, prompt_indices[0]))
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids,
                attention_mask=attention_mask,
                **generation_kwargs(settings),
                pad_token_id=self.tokenizer.pad_token_id,
                eos_token_id=sorted(self.stops),
                streamer=streamer,
            )
        new_tokens = output[:, input_ids.shape[1]:].tolist()
        completions = [cut_at_stop(tokens, self.stops) for tokens in new_tokens]
        return [completions[i * settings.n:(i + 1) * settings.n] for i in range(len(prompt_ids))]


def generation_kwargs(settings: SamplingSettings) -> dict:
    """Pure temperature/top-p sampling: the model's own generation defaults (top-k, repetition penalty) off."""
    common = {"max_new_tokens": settings.max_new_tokens, "num_return_sequences": settings.n,
              "repetition_penalty": 1.0, "top_k": 0}
    if settings.temperature == 0:
        return {**common, "do_sample": False, "temperature": None, "top_p": None}
    return {**common, "do_sample": True, "temperature": settings.temperature, "top_p": settings.top_p}


def left_pad(sequences: list[list[int]], pad_id: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack prompts of different lengths for generation: padding on the left, mask 0 there."""
    width = max(len(ids) for ids in sequences)
    input_ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, ids in enumerate(sequences):
        input_ids[row, width - len(ids):] = torch.tensor(ids, dtype=torch.long)
        attention_mask[row, width - len(ids):] = 1
    return input_ids.to(device), attention_mask.to(device)
