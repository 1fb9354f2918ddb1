"""The folders figures read: each given path classified as a collect, eval or training run, or an eval folder.

A run folder holds manifest.json and Parquet shards (`semspace collect`, `semspace train`, or one benchmark of
`semspace eval`); an eval folder holds results.json (`semspace eval`). Labels name them in legends and tables.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from semspace.errors import DataFileError, InvalidInputError
from semspace.figures.missing import FigureDataMissing
from semspace.layout import RESULTS
from semspace.store import read_manifest, read_run
from semspace.store.manifest import MANIFEST, SHARDS, load_json

TRAIN = "train"
EVAL = "eval"
COLLECT = "collect"
FOLDER_FIX = "Pass the --out folder of semspace collect, train or eval."
TRAIN_FIX = "Pass the --out folder of semspace train."


@dataclass(frozen=True)
class RunInput:
    """A run folder: per-response rows (collect, or one benchmark of an eval) or per-step rows (train)."""

    path: Path
    label: str
    kind: str
    manifest: dict

    @property
    def model(self) -> dict:
        """The manifest's model record (name, source, ...)."""
        return self.manifest.get("model") or {}

    def columns(self) -> set[str]:
        """Every column any of the run's shards holds."""
        return {name for entry in self.manifest["shards"]
                for name in pq.read_schema(self.path / SHARDS / entry["file"]).names}


@dataclass(frozen=True)
class BenchmarkResult:
    """One benchmark of an eval folder: its size and pass@k (percent) by k."""

    name: str
    run: Path
    problems: int
    samples_per_problem: int
    pass_at_k: dict[int, float]


@dataclass(frozen=True)
class EvalInput:
    """An eval folder's results.json: which model (and checkpoint) was evaluated and its pass@k per benchmark."""

    path: Path
    label: str
    model_name: str
    model_source: str
    model_dtype: str
    checkpoint_step: int | None
    k: tuple[int, ...]
    benchmarks: dict[str, BenchmarkResult]
    average: dict[int, float]


@dataclass(frozen=True)
class Inputs:
    """The given folders by kind, in the order given."""

    responses: tuple[RunInput, ...]
    training: tuple[RunInput, ...]
    evals: tuple[EvalInput, ...]

    def describe(self) -> str:
        """What was given, as in 'got 2 collect runs and 1 eval folder'."""
        counts = [(sum(run.kind == COLLECT for run in self.responses), "collect run"),
                  (sum(run.kind == EVAL for run in self.responses), "eval benchmark run"),
                  (len(self.training), "training run"), (len(self.evals), "eval folder")]
        parts = [f"{count} {name}{'s' if count != 1 else ''}" for count, name in counts if count]
        only = " only" if len(parts) == 1 else ""
        return "got " + " and ".join(parts) + only


def as_inputs(runs, labels: Mapping | None = None) -> Inputs:
    """Inputs as given, or read from run and eval folder paths."""
    return runs if isinstance(runs, Inputs) else read_inputs(runs, labels)


def read_inputs(paths: Iterable, labels: Mapping | None = None) -> Inputs:
    """Classify each folder; `labels` maps a given path to its legend name (default: the folder's name)."""
    paths = list(dict.fromkeys(Path(path) for path in paths))
    if not paths:
        raise InvalidInputError("No run or eval folder was given.", FOLDER_FIX)
    names = _labels(paths, labels or {})
    items = [_read_folder(path, names[path]) for path in paths]
    return Inputs(responses=tuple(i for i in items if isinstance(i, RunInput) and i.kind != TRAIN),
                  training=tuple(i for i in items if isinstance(i, RunInput) and i.kind == TRAIN),
                  evals=tuple(i for i in items if isinstance(i, EvalInput)))


def _labels(paths: list[Path], given: Mapping) -> dict[Path, str]:
    """Each path's label: the one given for it, else its folder name (its path, where two names clash)."""
    by_resolved = {path.resolve(): path for path in paths}
    names = [path.resolve().name for path in paths]
    labels = {path: name if names.count(name) == 1 else str(path) for path, name in zip(paths, names)}
    for key, name in given.items():
        path = by_resolved.get(Path(key).resolve())
        if path is None:
            raise InvalidInputError(f"--label {key}={name} names a folder that is not among the given runs.",
                                    "Label a RUN given on the command line, as PATH=NAME.")
        labels[path] = str(name)
    return labels


def _read_folder(path: Path, label: str) -> RunInput | EvalInput:
    """An eval folder (results.json) or a run folder (manifest.json); anything else is refused."""
    if not path.is_dir():
        raise InvalidInputError(f"No run or eval folder at {path}.", FOLDER_FIX)
    if (path / RESULTS).is_file():
        return read_eval(path, label)
    if not (path / MANIFEST).is_file():
        raise InvalidInputError(f"{path} is neither a run (no {MANIFEST}) nor an eval folder (no {RESULTS}).",
                                FOLDER_FIX)
    manifest = read_manifest(path)
    kind = manifest.get("kind") if manifest.get("kind") in (TRAIN, EVAL) else COLLECT
    return RunInput(path=path, label=label, kind=kind, manifest=manifest)


def read_eval(path: Path, label: str) -> EvalInput:
    """Parse results.json of `semspace eval`; a file of another kind or missing fields is refused by name."""
    file = path / RESULTS
    data = load_json(file)
    if data.get("kind") != EVAL:
        raise DataFileError(f"{file} is not a semspace eval result (kind {data.get('kind')!r}).",
                            "Pass the --out folder of semspace eval.")
    try:
        benchmarks = {str(name): _benchmark(path, str(name), entry) for name, entry in data["benchmarks"].items()}
        step = data.get("checkpoint_step")
        return EvalInput(path=path, label=label, model_name=str(data["model"].get("name") or ""),
                         model_source=str(data["model"].get("source") or ""),
                         model_dtype=str(data["model"].get("dtype") or "unknown"),
                         checkpoint_step=None if step is None else int(step),
                         k=tuple(int(k) for k in data.get("k", ())), benchmarks=benchmarks,
                         average=_by_k((data.get("average") or {}).get("pass_at_k") or {}))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise DataFileError(f"{file} has a missing or malformed field ({type(error).__name__}: {error}).",
                            "Regenerate it with semspace eval.") from None


def _benchmark(path: Path, name: str, entry: dict) -> BenchmarkResult:
    """One benchmark's record of results.json."""
    return BenchmarkResult(name=name, run=path / entry["run"], problems=int(entry["problems"]),
                           samples_per_problem=int(entry["samples_per_problem"]),
                           pass_at_k=_by_k(entry["pass_at_k"]))


def _by_k(values: dict) -> dict[int, float]:
    """pass@k keyed by integer k (JSON keys are strings), in increasing k; null values read as NaN."""
    return dict(sorted((int(k), math.nan if value is None else float(value)) for k, value in values.items()))


def dtype_notes(evals: Iterable[EvalInput]) -> tuple[str, ...]:
    """A note when the evals compared ran their models in different dtypes (their gaps then include the dtype's)."""
    evals = list(evals)
    if len({evaluation.model_dtype for evaluation in evals}) < 2:
        return ()
    listed = "; ".join(f"{evaluation.label}: {evaluation.model_dtype}" for evaluation in evals)
    return (f"The evals ran their models in different dtypes ({listed}), so their differences include the "
            "dtype's; evaluate with the same --dtype to compare models alone.",)


def benchmark_runs(evals: Iterable[EvalInput]) -> tuple[tuple[RunInput, ...], list[str]]:
    """Each benchmark run of the eval folders, labelled 'eval label: benchmark'; notes name those not on disk."""
    runs, absent = [], []
    for evaluation in evals:
        for name, benchmark in evaluation.benchmarks.items():
            label = f"{evaluation.label}: {name}"
            if (benchmark.run / MANIFEST).is_file():
                runs.append(RunInput(path=benchmark.run, label=label, kind=EVAL,
                                     manifest=read_manifest(benchmark.run)))
            else:
                absent.append(f"{label} (no run at {benchmark.run})")
    return tuple(runs), absent


def training_frames(figure: str, title: str, inputs: Inputs) -> list[tuple[RunInput, pd.DataFrame]]:
    """Each training run with its step rows; a figure that needs one and got none raises FigureDataMissing."""
    if not inputs.training:
        raise FigureDataMissing(figure, f"{title} needs a training run (semspace train); {inputs.describe()}.",
                                TRAIN_FIX)
    return [(run, training_frame(run)) for run in inputs.training]


def training_frame(run: RunInput) -> pd.DataFrame:
    """A training run's rows, one per step, in step order."""
    frame = read_run(run.path)
    if "step" not in frame.columns:
        raise DataFileError(f"The training run in {run.path} has no step column.", TRAIN_FIX)
    return frame.sort_values("step").reset_index(drop=True)


def response_frame(run: RunInput, columns: Iterable[str]) -> pd.DataFrame:
    """The given columns of a run's responses, with its label in a `run` column."""
    frame = read_run(run.path, columns=list(columns))
    frame.insert(0, "run", run.label)
    return frame


def has_values(frame: pd.DataFrame, column: str) -> bool:
    """Whether the frame has the column with at least one finite value."""
    return column in frame.columns and bool(frame[column].astype("float64").notna().any())
