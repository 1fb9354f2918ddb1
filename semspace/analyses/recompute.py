"""Recompute every hidden-state metric of a run with other settings, into a new run; the source stays untouched.

Hidden states are whatever the source captured (its `capture` section, the align included, is kept), so this is
align-independent. Shards are recomputed one at a time, mirroring the source's shard layout, so memory is that of
one shard however large the run.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

from semspace.analyses.source import HIDDEN, metric_settings, require_hidden, response_name
from semspace.errors import InvalidInputError, RunExistsError
from semspace.metrics import MetricSettings, measure_dynamics, measure_responses
from semspace.metrics.placement import placement
from semspace.store import RunWriter, iter_responses, read_manifest
from semspace.store.manifest import BOOKKEEPING
from semspace.store.schema import is_hidden_column

LAYER_HIDDEN = re.compile(r"hidden_l(\d+)")
Progress = Callable[[int, int], None]


def recompute_run(source, out, *, stride: int | None = None, window: int | None = None, center: bool | None = None,
                  spectrum: str | None = None, device: str = "auto", keep_hidden: bool = False,
                  on_shard: Progress | None = None) -> Path:
    """Write `out`: the rows of `source` with er, erv, era, prefix_er, trad_rank, matrix_entropy, curvature (and
    er_l<L>, erv_l<L>, era_l<L> of stored extra layers) recomputed from the stored hidden states.

    A setting left None is the source's (window 0 = whole response); `device` is where spectra are solved
    (cpu, cuda[:N], auto). Hidden states are copied only with
    `keep_hidden`. `on_shard(rows_done, rows_total)` is called after each shard. Returns `out`.
    """
    source, out = Path(source), Path(out)
    if out.exists() and any(out.iterdir()):
        raise RunExistsError(f"{out} already holds a run (or other files).",
                             "Choose another --out; semspace never overwrites a run.")
    manifest = read_manifest(source)
    settings = metric_settings(manifest, stride=stride, window=window, center=center, spectrum=spectrum,
                               device=device)  # refuses bad settings before anything is written
    require_hidden(source)
    writer = RunWriter(out, derived_manifest(source, manifest, settings, keep_hidden=keep_hidden))
    rows = iter_responses(source, hidden=True)
    total, done = sum(entry["rows"] for entry in manifest["shards"]), 0
    try:
        for entry in manifest["shards"]:
            shard = list(itertools.islice(rows, entry["rows"]))
            writer.write_shard(recompute_rows(shard, settings, keep_hidden=keep_hidden))
            done += len(shard)
            if on_shard is not None:
                on_shard(done, total)
        writer.finish()
    finally:
        writer.close()
    return out


def derived_manifest(source: Path, manifest: dict, settings: MetricSettings, *, keep_hidden: bool) -> dict:
    """The source's settings with the new metric settings, whether H is kept, and where the rows came from."""
    kept = {key: value for key, value in manifest.items() if key not in BOOKKEEPING}
    capture = {**manifest.get("capture", {}), "save_hidden": keep_hidden}
    origin = {"path": str(source.resolve()), "created": manifest.get("created"), "metrics": manifest.get("metrics"),
              "shards": [{"file": entry["file"], "sha256": entry["sha256"]} for entry in manifest["shards"]]}
    runtime = {**manifest.get("runtime", {}), "metrics_device": placement(settings.device).describe()}
    return {**kept, "capture": capture, "metrics": settings.numbers(), "source": origin, "runtime": runtime}


def recompute_rows(rows: list[dict], settings: MetricSettings, *, keep_hidden: bool = False) -> list[dict]:
    """The rows with their metric columns recomputed; hidden columns dropped unless `keep_hidden`."""
    names = [response_name(row) for row in rows]
    metrics = measure_responses(_hidden(rows, HIDDEN, names), settings, names)
    layers = {int(m.group(1)): m.group(0) for column in rows[0] if (m := LAYER_HIDDEN.fullmatch(column))}
    dynamics = {layer: measure_dynamics(_hidden(rows, column, names), settings, names)
                for layer, column in layers.items()}
    recomputed = []
    for i, row in enumerate(rows):
        new = {key: value for key, value in row.items() if keep_hidden or not is_hidden_column(key)}
        new.update(metrics[i])
        for layer, results in dynamics.items():
            new.update({f"er_l{layer}": results[i].er, f"erv_l{layer}": results[i].erv,
                        f"era_l{layer}": results[i].era})
        recomputed.append(new)
    return recomputed


def _hidden(rows: list[dict], column: str, names: list[str]) -> list:
    """Each row's stored hidden states in `column`; a row without them is an error naming the response."""
    for row, name in zip(rows, names):
        if row.get(column) is None:
            raise InvalidInputError(f"Response {name} has no {column} states stored.",
                                    "Collect the run again with --save-hidden.")
    return [row[column] for row in rows]
