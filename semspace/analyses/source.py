"""What a stored run offers for recomputation: its hidden states and the metric settings it was measured with."""

from __future__ import annotations

from semspace.errors import InvalidInputError
from semspace.metrics import MetricSettings
from semspace.store import iter_responses

SETTING_NAMES = ("stride", "window", "center", "spectrum")
HIDDEN = "hidden"


def require_hidden(run) -> None:
    """Refuse a run whose rows carry no hidden states: nothing can be recomputed from it."""
    first = next(iter_responses(run, batch_size=1, hidden=True), None)
    if first is None:
        raise InvalidInputError(f"The run in {run} has no rows.", "Point at a run that holds responses.")
    if first.get(HIDDEN) is None:
        raise InvalidInputError(f"The run in {run} has no hidden states.",
                                "Collect it again with `semspace collect ... --save-hidden`.")


def metric_settings(manifest: dict, *, stride: int | None = None, window: int | None = None,
                    center: bool | None = None, spectrum: str | None = None, device: str = "auto") -> MetricSettings:
    """Metric settings: each one given here (window 0 = whole response), else the run's manifest's."""
    stored = manifest.get("metrics") or {}
    given = {"stride": stride, "window": window, "center": center, "spectrum": spectrum}
    missing = [name for name in SETTING_NAMES if given[name] is None and name not in stored]
    if missing:
        raise InvalidInputError(f"The run's manifest records no metric setting {missing}.",
                                "Pass them explicitly (e.g. --stride 40 --window 512).")
    settings = {name: stored[name] if given[name] is None else given[name] for name in SETTING_NAMES}
    if window == 0:
        settings["window"] = None
    return MetricSettings(**settings, device=device)


def response_name(row: dict) -> str:
    """How errors and metric labels name a response: prompt id and sample number."""
    return f"{row['prompt_id']}/sample-{row['sample']}"
