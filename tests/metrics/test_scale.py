"""What keeps metrics affordable at the paper's scale: one spectrum per whole response, float64 copies made a group
at a time, and spectra placed on the device that solves them faster."""

import gc
import weakref

import numpy as np
import pytest
import torch

import semspace.metrics.dynamics as dynamics
from semspace.errors import InvalidInputError
from semspace.metrics import MetricSettings, response_metrics_batch
from semspace.metrics.placement import check_device, gpu_crossover, placement


def test_the_whole_response_is_solved_once_for_er_trad_rank_and_matrix_entropy(monkeypatch):
    sides, eigvalsh = [], torch.linalg.eigvalsh

    def counted(problems):
        sides.extend([problems.shape[-1]] * (problems.shape[0] if problems.ndim == 3 else 1))
        return eigvalsh(problems)

    monkeypatch.setattr(torch.linalg, "eigvalsh", counted)
    rng = np.random.default_rng(0)
    rows = response_metrics_batch([rng.standard_normal((30, 50)) for _ in range(3)], stride=4, window=None)
    assert sides.count(29) == 3, "one whole-response problem (29 contrast rows) per response, none solved twice"
    assert all(np.isfinite([row["er"], row["trad_rank"], row["matrix_entropy"]]).all() for row in rows)


def test_float64_copies_are_made_a_group_at_a_time(monkeypatch):
    monkeypatch.setattr(dynamics, "GROUP_BYTES", 1)  # every response is a group of its own
    alive, most = [], [0]
    convert = dynamics.as_float64_matrix

    def tracked(H, **kwargs):
        matrix = convert(H, **kwargs)
        alive.append(weakref.ref(matrix))
        gc.collect()
        most[0] = max(most[0], sum(ref() is not None for ref in alive))
        return matrix

    monkeypatch.setattr(dynamics, "as_float64_matrix", tracked)
    rng = np.random.default_rng(1)
    batch = [rng.standard_normal((40, 16)).astype(np.float32) for _ in range(12)]
    response_metrics_batch(batch, stride=5)
    assert len(alive) == 12 and most[0] <= 2, "at most the group being solved (and the one just let go) at once"


def test_groups_hold_consecutive_responses_within_the_byte_budget(monkeypatch):
    monkeypatch.setattr(dynamics, "GROUP_BYTES", 8 * (2 * 10 * 4 + 16) * 2)  # two 10x4 responses a group
    groups = list(dynamics._groups_by_memory([np.zeros((10, 4))] * 5))
    assert groups == [[0, 1], [2, 3], [4]]


def test_the_gpu_takes_the_sizes_from_where_it_wins_for_good():
    assert gpu_crossover({64: (1.0, 2.0), 256: (1.0, 0.9), 1024: (5.0, 1.0)}) == 256
    assert gpu_crossover({64: (1.0, 0.5), 256: (1.0, 2.0), 1024: (5.0, 1.0)}) == 1024, "must win at every larger size"
    assert gpu_crossover({64: (1.0, 2.0), 1024: (1.0, 3.0)}) is None


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only machine's answers")
def test_without_a_gpu_auto_is_the_cpu_and_cuda_is_refused():
    assert placement("auto").describe() == "cpu"
    with pytest.raises(InvalidInputError, match="not available here"):
        check_device("cuda")
    with pytest.raises(InvalidInputError, match="Unknown metrics device"):
        MetricSettings(device="tpu:0")


def test_the_device_is_not_one_of_the_settings_that_decide_the_numbers():
    assert MetricSettings(stride=3, device="auto").numbers() == {"stride": 3, "window": 512, "center": True,
                                                                 "spectrum": "sigma"}
