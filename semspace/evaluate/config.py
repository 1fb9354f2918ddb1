"""EvalConfig: what an eval depends on, and the collect run it makes of each benchmark."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from semspace.collect import CollectConfig, SamplingSettings
from semspace.errors import InvalidInputError
from semspace.evaluate.benchmarks import ARITHMETIC, Benchmark, default_data_dir
from semspace.evaluate.defaults import EVAL_STRIDE, EVAL_TEMPERATURE, EVAL_TOP_P, TRAINING_RESPONSE_LENGTH
from semspace.evaluate.passk import powers_of_two_up_to
from semspace.metrics import MetricSettings
from semspace.models import DEFAULT_MODEL


@dataclass
class EvalConfig:
    """Sampling defaults are the paper's evaluation setting (temperature 0.6, top-p 0.95) and its training
    response length (1536 tokens); ERV/ERA use the paper's evaluation stride, 20 (SPEC §3), window 512."""

    out: Path
    model: str = DEFAULT_MODEL
    benchmarks: tuple[str, ...] = (ARITHMETIC,)
    data_dir: Path | None = None
    n: int = 4
    ks: tuple[int, ...] | None = None
    temperature: float = EVAL_TEMPERATURE
    top_p: float = EVAL_TOP_P
    max_new_tokens: int = TRAINING_RESPONSE_LENGTH
    seed: int = 0
    limit: int | None = None
    batch_size: int = 4
    template: str = "chat"
    metrics: MetricSettings = field(default_factory=lambda: MetricSettings(stride=EVAL_STRIDE, device="auto"))
    backend: str = "hf"
    capture_backend: str = "auto"
    gpu_memory_utilization: float | None = None
    device: str = "auto"
    dtype: str = "auto"
    resume: bool = False
    strict: bool = False

    def pass_ks(self) -> list[int]:
        """The k values reported, ascending: those given, else every power of two up to n."""
        return sorted(set(self.ks)) if self.ks else powers_of_two_up_to(self.n)

    def benchmark_dir(self) -> Path:
        """The folder bare benchmark names are read from."""
        return Path(self.data_dir) if self.data_dir is not None else default_data_dir()

    def check(self) -> None:
        """Refuse k values the samples cannot support before anything is loaded or written."""
        if self.n < 1:
            raise InvalidInputError(f"--n must be at least 1, got {self.n}.", "Pass a positive --n.")
        bad = [k for k in self.pass_ks() if not 1 <= k <= self.n]
        if bad:
            raise InvalidInputError(f"--k {bad[0]} is outside 1..--n ({self.n}): pass@k needs at least k samples "
                                    "per problem.", f"Pass k values from 1 to {self.n}, or raise --n.")

    def collect_config(self, benchmark: Benchmark) -> CollectConfig:
        """The collect run of one benchmark, in OUT/<name>, marked as an eval run in its manifest."""
        sampling = SamplingSettings(n=self.n, temperature=self.temperature, top_p=self.top_p,
                                    max_new_tokens=self.max_new_tokens)
        return CollectConfig(
            out=Path(self.out) / benchmark.name, model=self.model, dataset=benchmark.dataset, sampling=sampling,
            seed=self.seed, limit=self.limit, batch_size=self.batch_size, template=self.template,
            metrics=self.metrics, backend=self.backend, capture_backend=self.capture_backend,
            gpu_memory_utilization=self.gpu_memory_utilization, device=self.device, dtype=self.dtype,
            strict=self.strict, kind="eval",
        )
