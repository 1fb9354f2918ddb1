"""--dtype auto: the checkpoint's dtype where the hardware runs it natively, float32 on CPUs that only emulate it."""

import os
import platform
import subprocess
import sys

import numpy as np
import pytest
import torch

from semspace.analyses import recompute_run
from semspace.collect import CollectConfig, CollectEvents, SamplingSettings, run_collect
from semspace.metrics import MetricSettings
from semspace.models import dtypes, load_model, tiny_random
from semspace.models.dtypes import choose_dtype, cpu_runs_natively
from semspace.store import read_manifest, read_run

CPU, CUDA = torch.device("cpu"), torch.device("cuda")


@pytest.fixture
def bf16_folder(tmp_path):
    """A tiny model saved in bfloat16, as hub checkpoints of 7B models are."""
    loaded = tiny_random(seed=2, dtype="bfloat16")
    folder = tmp_path / "bf16-model"
    loaded.model.save_pretrained(folder)
    loaded.tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(params=[False, True], ids=["emulating-cpu", "native-bf16-cpu"])
def cpu_kind(request, monkeypatch):
    """Pretend to be a CPU without (or with) bf16/fp16 instructions."""
    native = request.param
    monkeypatch.setattr(dtypes, "cpu_runs_natively", lambda dtype: dtype == torch.float32 or native)
    return native


def test_auto_keeps_the_checkpoint_dtype_on_accelerators_and_native_cpus(monkeypatch):
    assert choose_dtype("auto", torch.bfloat16, CUDA).dtype == torch.bfloat16
    monkeypatch.setattr(dtypes, "cpu_runs_natively", lambda dtype: True)
    assert choose_dtype("auto", torch.bfloat16, CPU).dtype == torch.bfloat16
    assert choose_dtype("auto", torch.float16, CPU).dtype == torch.float16


def test_auto_runs_emulated_dtypes_in_float32_on_the_cpu(monkeypatch):
    monkeypatch.setattr(dtypes, "cpu_runs_natively", lambda dtype: dtype == torch.float32)
    for checkpoint in (torch.bfloat16, torch.float16):
        choice = choose_dtype("auto", checkpoint, CPU)
        assert choice.dtype == torch.float32 and "emulates" in choice.reason
    assert choose_dtype("auto", torch.float32, CPU).dtype == torch.float32


def test_an_explicit_dtype_is_never_second_guessed(monkeypatch):
    monkeypatch.setattr(dtypes, "cpu_runs_natively", lambda dtype: False)
    assert choose_dtype(torch.bfloat16, torch.float32, CPU).dtype == torch.bfloat16
    assert load_model("tiny-random", dtype="bfloat16").dtype == "bfloat16"


def test_float32_is_native_everywhere():
    assert cpu_runs_natively(torch.float32)


@pytest.mark.skipif(platform.machine().lower() not in dtypes.X86, reason="ATEN_CPU_CAPABILITY=avx2 is x86-only")
def test_torch_limited_to_avx2_reports_no_native_bf16():
    """The machine as torch's kernels see it: capped at AVX2, bf16 is emulated whatever the CPU could do."""
    code = "import torch; from semspace.models.dtypes import cpu_runs_natively as n; print(n(torch.bfloat16))"
    env = {**os.environ, "ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_loading_a_bf16_checkpoint_with_auto(bf16_folder, cpu_kind):
    loaded = load_model(str(bf16_folder), dtype="auto")
    expected = torch.bfloat16 if cpu_kind else torch.float32
    assert {p.dtype for p in loaded.model.parameters()} == {expected}
    assert loaded.dtype == str(expected).removeprefix("torch.") and loaded.dtype in loaded.describe()
    as_saved = load_model(str(bf16_folder), dtype="bfloat16").model.state_dict()
    for name, weight in loaded.model.state_dict().items():
        assert torch.equal(weight.float(), as_saved[name].float()), f"{name}: the upcast must be exact"


def test_a_float32_run_stores_float32_states_whose_metrics_recompute_exactly(tmp_path, bf16_folder, monkeypatch):
    monkeypatch.setattr(dtypes, "cpu_runs_natively", lambda dtype: dtype == torch.float32)
    config = CollectConfig(out=tmp_path / "run", model=str(bf16_folder), dataset="arithmetic:2",
                           sampling=SamplingSettings(n=2, max_new_tokens=12), metrics=MetricSettings(stride=2),
                           save_hidden=True,
                           device="cpu")
    seen = []

    class Seen(CollectEvents):
        def loaded(self, loaded):
            seen.append(loaded.dtype)

    run_collect(config, Seen())
    assert seen == ["float32"]
    assert read_manifest(config.out)["model"]["dtype"] == "float32"
    stored = read_run(config.out, hidden=True)
    assert all(h.dtype == np.float32 for h in stored["hidden"])
    again = read_run(recompute_run(config.out, tmp_path / "again"))
    for column in ("er", "erv", "era", "trad_rank", "matrix_entropy"):
        np.testing.assert_allclose(again[column], stored[column], rtol=1e-12, equal_nan=True, err_msg=column)
