"""Fig. 3's validation points: which eval folders evaluated which training run, and at which step.

An eval of `<run>/checkpoints/checkpoint-<N>` (its results.json model source lies inside that folder, or, for
runs copied from another machine, ends in `<run name>/checkpoints/checkpoint-<N>`) is the run's point at step N.
An eval of no checkpoint whose model name or source equals the training run's is the base model:
step 0 of every run trained from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from semspace.figures.inputs import EvalInput, RunInput
from semspace.layout import CHECKPOINTS, checkpoint_step


@dataclass(frozen=True)
class ValidationPoint:
    """One eval folder placed on a training run's step axis."""

    step: int
    result: EvalInput
    origin: str


def validation_points(run: RunInput, evals: Sequence[EvalInput]) -> list[ValidationPoint]:
    """The evals that belong to `run`, by step (base model first)."""
    points = []
    for result in evals:
        step = step_in_run(run.path, result.model_source)
        if step is not None:
            points.append(ValidationPoint(step=step, result=result, origin=f"checkpoint-{step}"))
        elif result.checkpoint_step is None and _same_model(run, result):
            points.append(ValidationPoint(step=0, result=result, origin="base model"))
    return sorted(points, key=lambda point: point.step)


def step_in_run(run: Path, source: str) -> int | None:
    """N when `source` is (a path inside) `run`/checkpoints/checkpoint-N, or ends in
    <run's name>/checkpoints/checkpoint-N; else None."""
    if not source:
        return None
    run = Path(run).resolve()
    try:
        inside = Path(source).resolve().relative_to(run / CHECKPOINTS)
        return checkpoint_step(inside.parts[0]) if inside.parts else None
    except ValueError:
        tail = Path(source).parts[-3:]
        return checkpoint_step(tail[2]) if len(tail) == 3 and tail[:2] == (run.name, CHECKPOINTS) else None


def _same_model(run: RunInput, result: EvalInput) -> bool:
    """Whether an eval of no checkpoint evaluated the model the run started from (same name or source)."""
    names = {str(run.model.get(key)) for key in ("name", "source") if run.model.get(key)}
    return bool(names & {result.model_name, result.model_source} - {""}) or _same_path(run, result)


def _same_path(run: RunInput, result: EvalInput) -> bool:
    """Sources given as paths that resolve to the same folder."""
    source = run.model.get("source")
    return bool(source and result.model_source) and Path(source).resolve() == Path(result.model_source).resolve()
