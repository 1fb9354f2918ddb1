"""What collect, eval and the demo show while sampling: a rich bar in a terminal; elsewhere (logs, CI) one line per
batch and, inside a long batch, a line at most every 30 seconds."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from semspace.collect import CollectEvents

QUIET_SECONDS = 30.0


def progress_bar(console: Console) -> Progress:
    """A bar of prompts done with a detail column; transient, and off when the console is not a terminal."""
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("prompts"),
               TextColumn("{task.fields[detail]}"), TimeElapsedColumn())
    return Progress(*columns, console=console, transient=True, disable=not console.is_terminal)


class ProgressDisplay(CollectEvents):
    """One run's events on a bar (or as lines): model and dtype at start, tokens, rate, and the time split at the
    end."""

    def __init__(self, console: Console, bar: Progress, task, label: str):
        self.console, self.bar, self.task, self.label = console, bar, task, label
        self.live = console.is_terminal
        self.started = self.last_line = time.perf_counter()
        self.done_tokens = 0

    def loaded(self, loaded) -> None:
        self.console.print(loaded.describe(), soft_wrap=True)

    def sampling(self, tokens: int) -> None:
        detail = f"sampling: {tokens} tokens of this batch, {self._rate(self.done_tokens + tokens)}"
        if self.live:
            self.bar.update(self.task, description=self.label, detail=detail)
        elif time.perf_counter() - self.last_line >= QUIET_SECONDS:
            self._line(detail)

    def batch_done(self, progress) -> None:
        self.done_tokens = progress.tokens
        detail = (f"{progress.responses} responses, {self._rate(progress.tokens)}" if progress.responses
                  else "complete before, kept")
        self.bar.update(self.task, description=self.label, total=progress.prompts_total,
                        completed=progress.prompts_done, detail=detail)
        if not self.live:
            self._line(f"{progress.prompts_done}/{progress.prompts_total} prompts, {detail}")

    def finished(self, progress) -> None:
        if progress.responses:
            self.console.print(f"{self.label} time: {progress.timings.describe()}", soft_wrap=True)

    def _rate(self, tokens: int) -> str:
        return f"{tokens / max(time.perf_counter() - self.started, 1e-9):.0f} tok/s"

    def _line(self, text: str) -> None:
        self.console.print(f"{self.label}: {text}", soft_wrap=True)
        self.last_line = time.perf_counter()
