"""The Appendix F conditions (SPEC §5) on stored hidden states: per consecutive window pair, (i) equal support,
(ii) majorization, and Schur consistency; per response, whether every pair holds them.

ER here is the SPEC §2 ER with its 1e-8 guards, of q = σ/Σσ (whatever the run's spectrum setting), which is what
ERV measures; its smallest increase over pairs with (ii) is the empirical μ. The guards make it only nearly
Schur-concave, so consistency is checked with exp(Shannon entropy) of q (`shannon_effective_rank`), which is
exactly Schur-concave: on a pair majorized up to rounding (partial sums within STRICT_TOL) it must not fall by
more than CONSISTENCY_RTOL relative. If it does, the spectra, normalisation or test are wrong: a bug, raised as
SchurConsistencyError, never reported as a finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from semspace.analyses.source import HIDDEN, metric_settings, require_hidden, response_name
from semspace.errors import InvalidInputError
from semspace.metrics import (
    absolute_support_size,
    is_majorized_by,
    normalized_spectrum,
    prefix_spectra,
    shannon_effective_rank,
    sliding_spectra,
    support_size,
    velocity_and_acceleration,
)
from semspace.metrics.dynamics import prefix_lengths, window_rows
from semspace.metrics.spectrum import effective_ranks
from semspace.store import iter_responses, read_manifest

WINDOWS = ("growing", "sliding")
STRICT_TOL = 1e-12
CONSISTENCY_RTOL = 1e-7
PAIR_COLUMNS = ("pair", "start", "rows", "support_before", "support_after", "abs_support_before",
                "abs_support_after", "equal_support", "equal_abs_support", "majorized", "both", "both_abs",
                "er_before", "er_after", "er_increase", "schur_checked")
FLAGS = ("all_majorized", "all_both", "all_both_abs")


class SchurConsistencyError(RuntimeError):
    """exp(Shannon entropy) fell across a majorizing pair: impossible mathematically, so a bug in semspace."""

    def __init__(self, response: str, pair: int, before: float, after: float):
        self.response, self.pair = response, pair
        super().__init__(f"Schur consistency violated for response {response}, pair {pair} (window {pair - 1} → "
                         f"{pair}): q majorized but exp(Shannon entropy) fell from {before:.12g} to {after:.12g}. "
                         "This is a bug in semspace, not a property of the data; please report it.")


@dataclass(frozen=True)
class Windows:
    """Which windows of a response are compared: growing prefixes or sliding windows of `width` rows."""

    kind: str
    stride: int
    window: int | None
    center: bool
    width: int | None = None


@dataclass(frozen=True)
class Majorization:
    """Per-pair rows (prompt_id, sample + PAIR_COLUMNS), per-response rows, and the windows analysed."""

    pairs: pd.DataFrame
    responses: pd.DataFrame
    windows: Windows


def window_settings(manifest: dict, *, windows: str = "growing", width: int | None = None,
                    stride: int | None = None, window: int | None = None) -> Windows:
    """The windows to compare: stride, window (0 = whole response) and centring default to the run's settings."""
    if windows not in WINDOWS:
        raise InvalidInputError(f"--windows must be one of {WINDOWS}, got {windows!r}.", "Use growing or sliding.")
    if (windows == "sliding") != (width is not None):
        raise InvalidInputError("--width goes with --windows sliding, and sliding windows need it.",
                                "Pass --windows sliding --width W, or growing without --width.")
    settings = metric_settings(manifest, stride=stride, window=window)
    return Windows(windows, settings.stride, settings.window, settings.center, width)


def window_spectra(H: np.ndarray, windows: Windows, name: str) -> tuple[list[np.ndarray], list[tuple[int, int]]]:
    """Singular values of each window of H, and each window's (first row, rows) within the analysed rows."""
    if windows.kind == "growing":
        spectra = prefix_spectra(H, stride=windows.stride, window=windows.window, center=windows.center, name=name)
        rows = H[window_rows(H.shape[0], windows.window)].shape[0]
        return spectra, [(0, length) for length in prefix_lengths(rows, windows.stride)]
    analysed = H[window_rows(H.shape[0], windows.window)]
    spectra = sliding_spectra(analysed, width=windows.width, stride=windows.stride, center=windows.center,
                              name=name)
    return spectra, [(start * windows.stride, windows.width) for start in range(len(spectra))]


def pair_table(spectra: list[np.ndarray], spans: list[tuple[int, int]], d: int, *, tau: float = 1e-3,
               tol: float = 1e-9, name: str = "the response") -> pd.DataFrame:
    """Conditions (i) and (ii) for each consecutive pair of window spectra (columns PAIR_COLUMNS).

    support_* count q_i > tau; abs_support_* use the reference's absolute tolerance for a (rows, d) window. Pair j
    compares windows j-1 and j. Raises SchurConsistencyError naming `name` and the pair on a violation.
    """
    qs = [normalized_spectrum(sigma) for sigma in spectra]
    support = [support_size(q, tau=tau) for q in qs]
    absolute = [absolute_support_size(sigma, shape=(rows, d)) for sigma, (_, rows) in zip(spectra, spans)]
    ers = [float(effective_ranks(torch.as_tensor(np.asarray(sigma, dtype=np.float64)))) for sigma in spectra]
    shannon = [shannon_effective_rank(q) for q in qs]
    rows = []
    for j in range(1, len(qs)):
        majorized = is_majorized_by(qs[j], qs[j - 1], tol=tol)
        checked = majorized and (tol <= STRICT_TOL or is_majorized_by(qs[j], qs[j - 1], tol=STRICT_TOL))
        if checked and shannon[j] < shannon[j - 1] * (1.0 - CONSISTENCY_RTOL):
            raise SchurConsistencyError(name, j, shannon[j - 1], shannon[j])
        equal, equal_abs = support[j] == support[j - 1], absolute[j] == absolute[j - 1]
        rows.append((j, *spans[j], support[j - 1], support[j], absolute[j - 1], absolute[j], equal, equal_abs,
                     majorized, equal and majorized, equal_abs and majorized, ers[j - 1], ers[j],
                     ers[j] - ers[j - 1], checked))
    return pd.DataFrame(rows, columns=list(PAIR_COLUMNS))


def majorize_run(run, *, windows: str = "growing", width: int | None = None, stride: int | None = None,
                 window: int | None = None, tau: float = 1e-3, tol: float = 1e-9,
                 on_response: Callable[[int, int], None] | None = None) -> Majorization:
    """Every consecutive window pair of every response of a run saved with --save-hidden, streamed row by row.

    `on_response(responses_done, responses_total)` is called after each response.
    """
    manifest = read_manifest(run)
    settings = window_settings(manifest, windows=windows, width=width, stride=stride, window=window)
    require_hidden(run)
    total = sum(entry["rows"] for entry in manifest["shards"])
    pair_frames, responses = [], []
    for count, row in enumerate(iter_responses(run, columns=["prompt_id", "sample", "correct", HIDDEN],
                                               batch_size=16), start=1):
        name = response_name(row)
        spectra, spans = window_spectra(row[HIDDEN], settings, name)
        pairs = pair_table(spectra, spans, row[HIDDEN].shape[1], tau=tau, tol=tol, name=name)
        pair_frames.append(pairs.assign(prompt_id=row["prompt_id"], sample=row["sample"]))
        responses.append(_response_row(row, pairs))
        if on_response is not None:
            on_response(count, total)
    columns = ["prompt_id", "sample", *PAIR_COLUMNS]
    pairs = pd.concat(pair_frames, ignore_index=True)[columns] if pair_frames else pd.DataFrame(columns=columns)
    return Majorization(pairs=pairs, responses=pd.DataFrame(responses), windows=settings)


def _response_row(row: dict, pairs: pd.DataFrame) -> dict:
    """A response's pair count, all-pairs flags (NaN without pairs) and the ERV of its window ER series."""
    series = np.concatenate([pairs["er_before"].to_numpy()[:1], pairs["er_after"].to_numpy()])
    erv, _ = velocity_and_acceleration(series)
    flags = {flag: float(pairs[column].all()) if len(pairs) else np.nan
             for flag, column in zip(FLAGS, ("majorized", "both", "both_abs"))}
    return {"prompt_id": row["prompt_id"], "sample": row["sample"], "correct": row["correct"], "pairs": len(pairs),
            **flags, "erv": erv}
