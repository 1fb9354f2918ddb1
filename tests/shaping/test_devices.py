"""Shapers compute on the advantages' device and return their dtype; indicators and masks may come from anywhere.

The `meta` device stands in for an accelerator: any tensor left on the CPU beside meta advantages raises the same
device-mismatch error a CUDA run would.
"""

import pytest
import torch

from semspace.shaping import EntropyShaper, NoShaper, VerlShaper

B, T = 4, 6
INDICATORS = dict(er=torch.tensor([3.0, 4.0, 5.0, 6.0]), erv=torch.tensor([1.0, 2.0, 0.5, 1.5]),
                  era=torch.tensor([0.1, -0.2, 0.3, 0.0]))
MASK = torch.ones(B, T, dtype=torch.bool)


@pytest.mark.parametrize("options", [{}, {"scope": "last-token"}, {"mode": "sum"}, {"baseline": "reference"}])
def test_verl_shapes_meta_advantages_from_cpu_indicators(options):
    shaper = VerlShaper(**options)
    shaper(torch.tensor([1.0, -1.0, 0.5, 0.0]), **INDICATORS, completion_mask=MASK)  # baselines from a CPU step
    shaped = shaper(torch.ones(B, device="meta"), **INDICATORS, completion_mask=MASK)
    assert shaped.device.type == "meta" and shaped.shape == (B, T) and shaped.dtype == torch.float32


def test_entropy_shapes_meta_advantages_from_cpu_entropies():
    shaped = EntropyShaper()(torch.ones(B, device="meta"), token_entropy=torch.rand(B, T), completion_mask=MASK)
    assert shaped.device.type == "meta" and shaped.shape == (B, T)


def test_no_shaper_leaves_meta_advantages_where_they_are():
    assert NoShaper()(torch.ones(B, device="meta")).device.type == "meta"


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float64])
def test_shaped_advantages_keep_the_advantages_dtype_and_the_float64_values(dtype):
    a0 = torch.tensor([1.0, -1.0, 0.5, 0.25], dtype=dtype)
    exact = VerlShaper()
    exact(a0.double(), **INDICATORS)
    shaper = VerlShaper()
    shaper(a0, **INDICATORS)
    later = dict(er=INDICATORS["er"] * 1.3, erv=INDICATORS["erv"] * 0.7, era=INDICATORS["era"] + 0.2)
    shaped, expected = shaper(a0, **later), exact(a0.double(), **later)
    assert shaped.dtype == dtype
    torch.testing.assert_close(shaped.double(), expected.to(dtype).double())
    assert shaper.last_stats == exact.last_stats
