"""Where spectra are computed: a fixed device, or `auto`: matrices on the GPU when there is one, and each
eigen-solve on whichever of CPU and GPU this machine solves its size faster, as timed once per process.

A GPU solves one large symmetric eigen-problem far faster than a CPU, but hundreds of small ones (the prefixes of a
response at stride 1) may go faster on the CPU's cores: where the crossover lies depends on the machine, so `auto`
measures it rather than assume it.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import torch

from semspace.errors import InvalidInputError

CALIBRATION_SIDES = (32, 64, 128, 256, 512, 1024, 2048)
CALIBRATION_BATCH = 2


def check_device(setting: str) -> None:
    """Refuse a device name other than auto, cpu, cuda or cuda:N, or a CUDA device this machine lacks."""
    if setting in ("auto", "cpu"):
        return
    try:
        device = torch.device(setting)
    except RuntimeError as error:
        raise InvalidInputError(f"Unknown metrics device {setting!r}.", "Use auto, cpu, cuda or cuda:N.") from error
    if device.type != "cuda":
        raise InvalidInputError(f"Metrics device {setting!r} is not supported.", "Use auto, cpu, cuda or cuda:N.")
    if not torch.cuda.is_available() or (device.index or 0) >= torch.cuda.device_count():
        raise InvalidInputError(f"Metrics device {setting!r} is not available here.", "Use --metrics-device cpu.")


@dataclass(frozen=True)
class Placement:
    """Matrices are built on `work`; an eigen-problem of side n is solved on `solve` when n >= `gpu_from`."""

    work: torch.device
    solve: torch.device
    gpu_from: int | None = None

    def for_side(self, side: int) -> torch.device:
        """The device that solves an eigen-problem of this side."""
        if self.gpu_from is None:
            return self.work
        return self.solve if side >= self.gpu_from else torch.device("cpu")

    def describe(self) -> str:
        """What the placement is, for a run's manifest and its first lines."""
        if self.gpu_from is None:
            return str(self.work)
        return f"{self.solve} for eigen-problems of side >= {self.gpu_from}, cpu below (auto, timed here)"


def placement(setting: str) -> Placement:
    """The placement of a device setting; `auto` without a GPU is the CPU."""
    check_device(setting)
    if setting == "cpu" or (setting == "auto" and not torch.cuda.is_available()):
        return Placement(torch.device("cpu"), torch.device("cpu"))
    if setting != "auto":
        device = torch.device(setting)
        return Placement(device, device)
    gpu = torch.device("cuda", torch.cuda.current_device())
    return _auto_placement(str(gpu))


@functools.cache
def _auto_placement(gpu: str) -> Placement:
    """Time eigvalsh on both devices once per process; the GPU takes sizes from where it starts to win."""
    device = torch.device(gpu)
    timings = {side: (_solve_seconds(side, torch.device("cpu")), _solve_seconds(side, device))
               for side in CALIBRATION_SIDES}
    crossover = gpu_crossover(timings)
    if crossover is None:
        return Placement(torch.device("cpu"), torch.device("cpu"))
    return Placement(device, device, crossover)


def gpu_crossover(timings: dict[int, tuple[float, float]]) -> int | None:
    """The smallest side from which the GPU is faster at every larger timed side; None if it never is."""
    crossover = None
    for side in sorted(timings, reverse=True):
        cpu, gpu = timings[side]
        if gpu >= cpu:
            break
        crossover = side
    return crossover


def _solve_seconds(side: int, device: torch.device) -> float:
    """Best of two timings of a batched float64 eigvalsh of random symmetric matrices of this side."""
    generator = torch.Generator().manual_seed(side)
    base = torch.randn(CALIBRATION_BATCH, side, side, dtype=torch.float64, generator=generator)
    problems = (base @ base.transpose(1, 2)).to(device)
    best = float("inf")
    for _ in range(2):
        _synchronize(device)
        start = time.perf_counter()
        torch.linalg.eigvalsh(problems)
        _synchronize(device)
        best = min(best, time.perf_counter() - start)
    return best


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
