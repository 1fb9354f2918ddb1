"""report.md: the figures (embedded PNGs, relative links), the tables, the paper's numbers beside ours, what
could not be made, and free-text sections from the caller (e.g. what a small CPU model can and cannot show)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from semspace import __version__
from semspace.analyses.tables import markdown
from semspace.figures.outputs import FigureSet, MadeFigure
from semspace.figures.paper import FIG1, SOURCE, published_averages
from semspace.figures.tables import PERCENT_DIGITS
from semspace.store import read_run

REPORT = "report.md"
# Step-row columns summarised per training run, with their report headings.
HALVES = (("reward_mean", "mean reward"), ("accuracy", "accuracy"), ("length_mean", "length (tokens)"),
          ("er_mean", "ER"), ("erv_mean", "ERV"), ("shaper_bonus_fraction", "bonus fraction"))


def write_report(figure_set: FigureSet, *, sections: Sequence[tuple[str, str]] | Mapping[str, str] = (),
                 title: str = "semspace figures", out_dir=None) -> Path:
    """Write report.md into `out_dir` (default: the figures' folder) and return its path; overwrites an earlier
    report. `sections` are (heading, Markdown text) pairs placed after the list of inputs, in order."""
    folder = Path(out_dir) if out_dir is not None else figure_set.out
    folder.mkdir(parents=True, exist_ok=True)
    pairs = list(sections.items()) if isinstance(sections, Mapping) else list(sections)
    parts = [f"# {title}\n", f"Made by semspace {__version__} with `semspace figures` (or "
                             f"`semspace.figures.make_figures`).\n", _inputs(figure_set)]
    parts += [f"## {heading}\n\n{text.strip()}\n" for heading, text in pairs]
    parts.append(_training(figure_set))
    parts += [_figure(made, folder) for made in figure_set.figures]
    parts += [_table(made, folder) for made in figure_set.tables]
    parts += [_skipped(figure_set), _paper(figure_set)]
    path = folder / REPORT
    path.write_text("\n".join(part for part in parts if part), encoding="utf-8")
    return path


def _training(figure_set: FigureSet) -> str:
    """Each training run's first half of steps against its second: did reward move, and was the bonus active?"""
    runs = figure_set.inputs.training
    if not runs:
        return ""
    lines = ["## Training runs: first half of the steps vs second half\n", "| run | steps | " + " | ".join(
        label for _, label in HALVES) + " |", "|---|---|" + "---|" * len(HALVES)]
    for run in runs:
        rows = read_run(run.path).sort_values("step")
        halves = [rows.iloc[: len(rows) // 2], rows.iloc[len(rows) // 2:]]
        cells = [_halves(halves, column) for column, _ in HALVES]
        lines.append(f"| {run.label} | {len(rows)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\nA bonus fraction of – means the run did not shape (`--shape none`).\n"


def _halves(halves, column: str) -> str:
    """'first → second' means of one step-row column, a dash where the column is absent or empty."""
    means = [frame[column].mean() if column in frame and len(frame) else math.nan for frame in halves]
    return " → ".join(_number(value) for value in means)


def _link(path: Path, folder: Path) -> str:
    """A file's link relative to the report's folder."""
    return Path(os.path.relpath(Path(path).resolve(), folder.resolve())).as_posix()


def _inputs(figure_set: FigureSet) -> str:
    """What the figures were made from."""
    inputs = figure_set.inputs
    lines = ["## Inputs\n", "| label | kind | folder | model |", "|---|---|---|---|"]
    lines += [f"| {run.label} | {run.kind} run | `{run.path}` | {run.model.get('name', '')} |"
              for run in (*inputs.responses, *inputs.training)]
    lines += [f"| {result.label} | eval | `{result.path}` | {result.model_name}"
              f"{'' if result.checkpoint_step is None else f' (step {result.checkpoint_step})'} |"
              for result in inputs.evals]
    return "\n".join(lines) + "\n"


def _figure(made: MadeFigure, folder: Path) -> str:
    """One figure: its PNG embedded (else a link to its PDF), links to every format, its numbers and notes."""
    lines = [f"## {made.title}\n"]
    png = made.file(".png")
    if png is not None:
        lines.append(f"![{made.title}]({_link(png, folder)})\n")
    lines.append("Files: " + ", ".join(f"[{path.suffix[1:].upper()}]({_link(path, folder)})" for path in made.files)
                 + "\n")
    if made.name in FIG1:
        lines.append(_correlations(made))
    lines += [f"- {note}" for note in made.notes]
    return "\n".join(lines) + "\n"


def _correlations(made: MadeFigure) -> str:
    """Fig. 1(a)/(b): each panel's Pearson r and R² beside the paper's."""
    paper = FIG1[made.name]
    lines = ["| panel | n | r | R² | paper r | paper R² |", "|---|---|---|---|---|---|"]
    lines += [f"| {label} | {values['n']} | {_number(values['r'])} | {_number(values['r2'])} | {paper.r:.2f} | "
              f"{paper.r2:.2f} |" for label, values in made.stats.items()]
    return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    """Two decimals, a dash when undefined."""
    return "–" if value is None or math.isnan(value) else f"{value:.2f}"


def _table(made, folder: Path) -> str:
    """One table in Markdown, with links to its files and its notes."""
    links = ", ".join(f"[{path.suffix[1:].upper()}]({_link(path, folder)})" for path in made.files)
    notes = "".join(f"\n- {note}" for note in made.notes)
    return f"## {made.title}\n\n{markdown(made.frame, significant=PERCENT_DIGITS)}\nFiles: {links}\n{notes}\n"


def _skipped(figure_set: FigureSet) -> str:
    """What could not be made from these folders, and what it needs."""
    if not figure_set.skipped:
        return ""
    lines = ["## Not made from these folders\n"]
    lines += [f"- **{item.title}**: {item.reason}" + (f" Fix: {item.fix}" if item.fix else "")
              for item in figure_set.skipped]
    return "\n".join(lines) + "\n"


def _paper(figure_set: FigureSet) -> str:
    """The paper's headline numbers to compare with (its full tables come with paper=True / --paper)."""
    lines = ["## The paper's numbers, for comparison\n", f"Source: {SOURCE}.\n",
             f"- Fig. 1(a): response entropy vs mean log-prob, r = {FIG1['fig1a'].r:.2f}, R² = {FIG1['fig1a'].r2:.2f}"
             " (DeepSeek-R1-Distill-Qwen-7B responses).",
             f"- Fig. 1(b): ER vs ERV, r = {FIG1['fig1b'].r:.2f}, R² = {FIG1['fig1b'].r2:.2f}.\n",
             "Published averages (pass@1 over 15 benchmarks at temperature 0.6; pass@k over MATH500@16, "
             "AMC23@128, AMC24@128, AIME24@256, AIME25@256):\n",
             markdown(published_averages(), significant=PERCENT_DIGITS)]
    if not any(made.name.startswith("paper_") for made in figure_set.tables):
        lines.append("The full published tables, and ours beside them, are added by `semspace figures --paper` "
                     "(`make_figures(..., paper=True)`).\n")
    return "\n".join(lines)
