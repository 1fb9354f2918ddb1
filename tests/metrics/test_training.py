"""The dataset-level columns of a step row against the metrics they come from."""

import math

import pytest
import torch

from semspace.metrics import cumulative_dynamics, global_rank
from semspace.metrics.training import GLOBAL_COLUMNS, dataset_level


def test_dataset_level_columns_are_the_pooled_batch_metrics():
    pooled = torch.randn(12, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    as_responses = [row[None] for row in pooled]
    row = dataset_level(pooled, stride=3)
    assert row["global_er"] == pytest.approx(global_rank(as_responses))
    assert row["global_trad_rank"] == 6  # 12 generic centred points in 6-d
    assert row["global_erv"] == pytest.approx(cumulative_dynamics(as_responses, stride=3).erv)
    # By hand: prefixes of 4, 7, 10 generic points in 6-d span 3, 6, 6 directions; v = (6 - 3, 6 - 4.5).
    assert (row["global_trad_erv"], row["global_trad_era"]) == (2.25, -1.5)


def test_a_batch_too_small_gets_nan_not_zero():
    row = dataset_level(torch.randn(3, 6, dtype=torch.float64), stride=20)
    assert not math.isnan(row["global_er"])
    assert all(math.isnan(row[name]) for name in GLOBAL_COLUMNS[2:])
    assert all(math.isnan(value) for value in dataset_level(torch.randn(1, 6), stride=2).values())
