"""Eval folders land on a training run's step axis: checkpoint-N at step N, the base model at step 0."""

import pytest

from semspace.figures import read_inputs, step_in_run, validation_points
from tests.figures.synthetic import write_eval


@pytest.mark.parametrize("inside,step", [("checkpoints/checkpoint-40", 40), ("checkpoints/checkpoint-7/model", 7),
                                         ("checkpoints/other", None), ("checkpoint-40", None), ("", None)])
def test_step_in_run_of_a_source_path(tmp_path, inside, step):
    run = tmp_path / "train"
    source = str(run / inside) if inside else ""
    assert step_in_run(run, source) == step


def test_a_relative_source_and_a_run_copied_from_elsewhere(tmp_path, monkeypatch):
    run = tmp_path / "runs" / "train"
    monkeypatch.chdir(tmp_path)
    assert step_in_run(run, "runs/train/checkpoints/checkpoint-3") == 3
    assert step_in_run(run, "/cluster/home/me/train/checkpoints/checkpoint-9") == 9
    assert step_in_run(run, "/cluster/home/me/other/checkpoints/checkpoint-9") is None


def test_points_of_a_run(world, tmp_path):
    other = write_eval(tmp_path / "ev-other", name="someone-else", source="/models/someone-else")
    inputs = read_inputs([world["train"], world["ev_12"], world["ev_base"], world["ev_4"], other])
    points = validation_points(inputs.training[0], inputs.evals)
    assert [(p.step, p.result.label, p.origin) for p in points] == [
        (0, "ev-base", "base model"), (4, "ev-4", "checkpoint-4"), (12, "ev-12", "checkpoint-12")]


def test_a_checkpoint_of_another_run_is_not_the_base_model(world, tmp_path):
    foreign = write_eval(tmp_path / "ev-foreign", source=str(tmp_path / "elsewhere" / "checkpoints" / "checkpoint-5"),
                         step=5)
    inputs = read_inputs([world["train"], foreign])
    assert validation_points(inputs.training[0], inputs.evals) == []
