"""Progress outside a terminal (logs, CI): a line per batch, and inside a long batch at most one every 30 s."""

import io

from rich.console import Console

import semspace.cli.progress as progress_module
from semspace.cli.progress import ProgressDisplay, progress_bar
from semspace.collect import Progress


def test_a_long_batch_prints_a_line_at_most_every_30_seconds(monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: clock[0])
    output = io.StringIO()
    console = Console(file=output, force_terminal=False, width=200)
    with progress_bar(console) as bar:
        display = ProgressDisplay(console, bar, bar.add_task("collect", total=None, detail=""), "collect")
        for second in range(0, 100):
            clock[0] = float(second)
            display.sampling(tokens=10 * second)
        display.batch_done(Progress(prompts_done=4, prompts_total=8, responses=32, tokens=990))
    lines = output.getvalue().splitlines()
    sampling = [line for line in lines if "sampling" in line]
    assert [line.split(": ")[2].split(" ")[0] for line in sampling] == ["300", "600", "900"], "at 30, 60, 90 s"
    assert lines[-1].startswith("collect: 4/8 prompts, 32 responses")
