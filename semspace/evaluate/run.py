"""run_eval: one collect run per benchmark (sharing one loaded model), then pass@k into results.json."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from semspace.collect import (
    CollectConfig,
    CollectEvents,
    Progress,
    load_config_problems,
    open_engine,
    run_collect,
    run_settings,
)
from semspace.errors import InvalidInputError, RunExistsError
from semspace.evaluate.benchmarks import Benchmark, resolve_benchmarks
from semspace.evaluate.config import EvalConfig
from semspace.evaluate.results import build_results
from semspace.evaluate.scores import score_run
from semspace.layout import RESULTS
from semspace.models import resolve_model
from semspace.store import read_manifest
from semspace.store.manifest import MANIFEST, as_json, write_json_atomic

EventsFor = Callable[[str], CollectEvents]


def run_eval(config: EvalConfig, events_for: EventsFor | None = None) -> dict:
    """Sample, grade and score every benchmark into config.out; returns what it writes to OUT/results.json.

    `events_for(name)` gives the events object that follows benchmark `name`'s collect run (the model's loading is
    told to the first benchmark that needs it); a benchmark finished earlier reports one batch, all done.
    """
    config.check()
    benchmarks = resolve_benchmarks(config.benchmarks, config.benchmark_dir())
    runs = [(benchmark, config.collect_config(benchmark)) for benchmark in benchmarks]
    for _, run in runs:
        run.check()
        load_config_problems(run)  # a file whose fields do not map fails now, not after the other benchmarks
    _prepare_out(Path(config.out), config.resume, [run.out for _, run in runs])
    engine = None
    for benchmark, run in runs:
        events = events_for(benchmark.name) if events_for else CollectEvents()
        status = _status(run.out)
        if status == "complete":
            _check_finished_run(run)
            prompts = read_manifest(run.out)["dataset"]["prompts"]
            events.batch_done(Progress(prompts, prompts, 0, 0))
            continue
        run = replace(run, resume=status == "running")
        if engine is None:
            engine = open_engine(run)
            events.loaded(engine.model)
        run_collect(run, events, engine=engine)
    return _write_results(config, benchmarks)


def _write_results(config: EvalConfig, benchmarks: list[Benchmark]) -> dict:
    """Score every finished sub-run and replace OUT/results.json atomically."""
    out = Path(config.out)
    scores = [score_run(out / benchmark.name, config.pass_ks()) for benchmark in benchmarks]
    models = [read_manifest(out / benchmark.name)["model"] for benchmark in benchmarks]
    dtypes = {model["dtype"] for model in models}
    if len(dtypes) > 1:
        raise InvalidInputError(f"The benchmarks in {out} were sampled with different model dtypes {sorted(dtypes)} "
                                "(a --resume with another --dtype); their scores do not average.",
                                "Resume with the first run's --dtype, or start a new --out.")
    results = build_results(config, models[0], benchmarks, scores)
    write_json_atomic(out / RESULTS, results)
    return results


def _prepare_out(out: Path, resume: bool, runs: list[Path]) -> None:
    """Without --resume, start in an empty or new folder only; with it, the folder must hold one of the runs."""
    if out.exists() and not out.is_dir():
        raise InvalidInputError(f"--out {out} is a file, not a folder.", "Pass a folder for the eval, e.g. runs/eval.")
    if not resume:
        if out.exists() and any(out.iterdir()):
            raise RunExistsError(f"{out} already holds files (an eval or something else).",
                                 "Pass --resume to continue that eval, or choose another --out.")
        out.mkdir(parents=True, exist_ok=True)
    elif not any(_status(run) for run in runs):
        raise InvalidInputError(f"{out} holds no run of these benchmarks to resume.",
                                "Drop --resume to start the eval, or pass the --out and --benchmark values of the "
                                "interrupted one.")


def _status(run: Path) -> str | None:
    """'complete' or 'running' for a sub-run that has a manifest; None for one not started."""
    return read_manifest(run)["status"] if (run / MANIFEST).is_file() else None


def _check_finished_run(run: CollectConfig) -> None:
    """A finished sub-run is skipped on resume, so first make sure it was made with these very settings."""
    stored = read_manifest(run.out)
    spec = resolve_model(run.model)
    expected = as_json({"model": {"name": spec.name, "source": spec.source},
                        **run_settings(run, load_config_problems(run))})
    found = {**stored, "model": {key: stored.get("model", {}).get(key) for key in ("name", "source")}}
    differing = sorted(key for key in expected if found.get(key) != expected[key])
    if run.dtype != "auto" and stored["model"]["dtype"] != run.dtype:
        differing.append("model dtype")
    if differing:
        raise InvalidInputError(f"The run in {run.out} was made with different settings: {differing}.",
                                "Resume with the original settings, or use another --out for new ones.")
