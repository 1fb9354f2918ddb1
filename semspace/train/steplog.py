"""One row per training step in the run folder: the step's numbers (semspace.metrics.training) and the shaper's."""

from __future__ import annotations


def step_prompt_id(step: int) -> str:
    """The key of a step's row in the run (RunWriter keys rows by prompt_id)."""
    return f"step-{step:06d}"


def step_row(step: int, metrics: dict[str, float], shaper_stats: dict[str, float]) -> dict:
    """The row of one step: its key, the step's metrics (step_metrics) and the shaper's statistics."""
    row = {"prompt_id": step_prompt_id(step), "sample": 0, "step": step, **metrics,
           "responses": int(metrics["responses"])}
    row.update({f"shaper_{key}": float(value) for key, value in shaper_stats.items()})
    return row
