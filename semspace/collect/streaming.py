"""Tokens as transformers' `generate` samples them, counted for progress within a long batch."""

from __future__ import annotations

from collections.abc import Callable

import torch


class TokenCounter:
    """A `generate(streamer=...)` that counts the tokens of sequences not yet stopped and reports the total.

    `generate` hands the prompt first, then each step's next token of every sequence (a finished sequence keeps
    getting pad tokens, which are not counted).
    """

    def __init__(self, stops: set[int], report: Callable[[int], None]):
        self.stops = torch.tensor(sorted(stops))
        self.report = report
        self.tokens = 0
        self.finished: torch.Tensor | None = None
        self.prompt_seen = False

    def put(self, value: torch.Tensor) -> None:
        """One call per step: count the sequences still running, then mark those that just stopped."""
        if not self.prompt_seen:
            self.prompt_seen = True
            return
        step = value.reshape(-1).cpu()
        if self.finished is None:
            self.finished = torch.zeros_like(step, dtype=torch.bool)
        self.tokens += int((~self.finished).sum())
        self.finished |= torch.isin(step, self.stops)
        self.report(self.tokens)

    def end(self) -> None:
        """generate is done."""
