"""Synthetic inputs of every kind, written once per session (tests read them, never change them)."""

import pytest

from tests.figures.synthetic import write_collect_run, write_eval, write_train_run


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    """Two collect runs, a training run with checkpoints 4/8/12, an older training run without the cumulative
    columns, and evals of the base model and of checkpoints 4 and 12."""
    root = tmp_path_factory.mktemp("world")
    train = write_train_run(root / "train")
    paths = {
        "collect": write_collect_run(root / "collect"),
        "collect2": write_collect_run(root / "collect2", seed=1),
        "train": train,
        "train_old": write_train_run(root / "train-old", steps=5, cumulative=False, checkpoints=()),
        "ev_base": write_eval(root / "ev-base"),
        "ev_4": write_eval(root / "ev-4", source=str(train / "checkpoints" / "checkpoint-4"), step=4,
                           benchmarks={"aime24": {1: 12.0, 2: 18.0, 4: 25.0},
                                       "math500": {1: 45.0, 2: 52.0, 4: 61.0}}),
        "ev_12": write_eval(root / "ev-12", source=str(train / "checkpoints" / "checkpoint-12" / "model"), step=12,
                            benchmarks={"aime24": {1: 14.0, 2: 21.0, 4: 30.0},
                                        "gaokao2024_I": {1: 50.0, 2: 60.0, 4: 70.0}}),
    }
    return paths
