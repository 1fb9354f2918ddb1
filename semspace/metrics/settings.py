"""MetricSettings: how hidden-state metrics are computed, as one object from the CLI to `semspace.metrics`."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from semspace.metrics._arrays import check_positive_int
from semspace.metrics.placement import check_device
from semspace.metrics.rank import check_spectrum


@dataclass(frozen=True)
class MetricSettings:
    """Prefix stride and window of ERV/ERA (SPEC §3), centring and spectrum of ER (SPEC §2), and the device the
    spectra are solved on (`cpu`, `cuda[:N]`, or `auto`: the faster of the two for each size). The device never
    changes a number beyond 1e-6 relative, so it is not part of what makes two runs the same."""

    stride: int = 40
    window: int | None = 512
    center: bool = True
    spectrum: str = "sigma"
    device: str = "cpu"

    def __post_init__(self) -> None:
        check_positive_int(self.stride, name="stride")
        check_positive_int(self.window, name="window", allow_none=True)
        check_spectrum(self.spectrum)
        check_device(self.device)

    def numbers(self) -> dict:
        """The settings that decide the numbers (a run manifest's `metrics` entry)."""
        return {key: value for key, value in asdict(self).items() if key != "device"}
