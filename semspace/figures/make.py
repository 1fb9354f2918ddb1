"""make_figures: every figure and table the given runs can support, written to one folder, with what could not
be made and why. The CLI and the demo both call it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from semspace.errors import InvalidInputError, RunExistsError
from semspace.figures.fig1 import TITLES as FIG1_TITLES
from semspace.figures.fig1 import fig1a_entropy_vs_logprob, fig1b_er_vs_erv
from semspace.figures.fig1c import TITLE as FIG1C_TITLE
from semspace.figures.fig1c import fig1c_pass_at_k
from semspace.figures.fig2 import TITLE as FIG2_TITLE
from semspace.figures.fig2 import fig2_response_metrics
from semspace.figures.fig3 import TITLE as FIG3_TITLE
from semspace.figures.fig3 import fig3_dataset_metrics
from semspace.figures.inputs import Inputs, as_inputs, dtype_notes
from semspace.figures.missing import FigureDataMissing
from semspace.figures.outputs import FigureSet, MadeFigure, MadeTable, Skipped
from semspace.figures.paper import published_table
from semspace.figures.style import FORMATS, check_formats, check_smooth
from semspace.figures.tables import (
    compare_pass_at_1,
    compare_pass_at_k,
    pass_at_1_table,
    pass_at_k_table,
    write_table_files,
)
from semspace.layout import RESULTS
from semspace.store.manifest import MANIFEST

COMPARISON_NOTE = ("'mean of these' averages only the columns shown; the paper's own Avg. is over all of its "
                   "benchmarks (see the published tables).")
OUT_FIX = "Choose another --out, e.g. figures/."


def make_figures(runs, out, *, smooth: int = 10, labels: Mapping | None = None, paper: bool = False,
                 formats=FORMATS) -> FigureSet:
    """Draw Fig. 1(a), 1(b), 1(c), 2 and 3 and write the pass@k tables (and with `paper`, the paper's published
    tables and ours beside them) into `out`, skipping each one the runs cannot support.

    `runs` are run folders (collect, train, eval benchmark runs) and eval folders (results.json), or Inputs;
    `labels` maps a path to its legend name. Raises FigureDataMissing, listing what each figure lacks, when not
    one figure can be made (nothing is written then).
    """
    formats, smooth = check_formats(formats), check_smooth(smooth)
    inputs = as_inputs(runs, labels)
    out = prepare_out(out, inputs)
    figures, skipped = [], []
    for name, title, draw in _figure_makers(inputs, out, smooth, formats):
        try:
            figures.append(draw())
        except FigureDataMissing as missing:
            skipped.append(Skipped(name=name, title=title, reason=missing.cause, fix=missing.fix))
    if not figures:
        raise FigureDataMissing("figures", "No figure could be made from the given folders. " + " ".join(
            item.reason for item in skipped), "Pass the runs these need.")
    tables = []
    for name, title, build, notes in _table_makers(inputs, paper):
        try:
            frame = build()
        except FigureDataMissing as missing:
            skipped.append(Skipped(name=name, title=title, reason=missing.cause, fix=missing.fix))
            continue
        tables.append(MadeTable(name=name, title=title, frame=frame, files=write_table_files(frame, out, name),
                                notes=notes))
    return FigureSet(out=out, inputs=inputs, figures=tuple(figures), tables=tuple(tables), skipped=tuple(skipped))


def prepare_out(out, inputs: Inputs) -> Path:
    """The output folder (created by the first figure saved in it); a run or eval folder is refused."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InvalidInputError(f"--out {out} is a file, not a folder.", OUT_FIX)
    given = {item.path.resolve() for item in (*inputs.responses, *inputs.training, *inputs.evals)}
    if (out / MANIFEST).exists() or (out / RESULTS).exists() or out.resolve() in given:
        raise RunExistsError(f"--out {out} is a run or eval folder; figures are never written into one.", OUT_FIX)
    return out


def _figure_makers(inputs: Inputs, out: Path, smooth: int,
                   formats: tuple[str, ...]) -> list[tuple[str, str, Callable[[], MadeFigure]]]:
    """(name, title, draw) of every figure, in the paper's order."""
    return [
        ("fig1a", FIG1_TITLES["fig1a"], lambda: fig1a_entropy_vs_logprob(inputs, out, formats=formats)),
        ("fig1b", FIG1_TITLES["fig1b"], lambda: fig1b_er_vs_erv(inputs, out, formats=formats)),
        ("fig1c", FIG1C_TITLE, lambda: fig1c_pass_at_k(inputs, out, formats=formats)),
        ("fig2", FIG2_TITLE, lambda: fig2_response_metrics(inputs, out, smooth=smooth, formats=formats)),
        ("fig3", FIG3_TITLE, lambda: fig3_dataset_metrics(inputs, out, smooth=smooth, formats=formats)),
    ]


def _table_makers(inputs: Inputs, paper: bool) -> list[tuple[str, str, Callable[[], pd.DataFrame], tuple]]:
    """(name, title, build, notes) of every table: ours, and with `paper` the paper's and the comparisons."""
    evals = inputs.evals
    dtypes = dtype_notes(evals)
    makers = [("table_pass_at_1", "pass@1 (%) by benchmark", lambda: pass_at_1_table(evals), dtypes),
              ("table_pass_at_k", "pass@k (%) by benchmark and k", lambda: pass_at_k_table(evals), dtypes)]
    if paper:
        makers += [
            ("paper_pass_at_1", "The paper's published pass@1 (%)", lambda: published_table("pass1"), ()),
            ("paper_pass_at_k", "The paper's published pass@k (%)", lambda: published_table("passk"), ()),
            ("compare_pass_at_1", "pass@1 (%): ours beside the paper's", lambda: compare_pass_at_1(evals),
             (COMPARISON_NOTE, *dtypes)),
            ("compare_pass_at_k", "pass@k (%): ours (at our largest k) beside the paper's",
             lambda: compare_pass_at_k(evals), (COMPARISON_NOTE, *dtypes)),
        ]
    return makers
