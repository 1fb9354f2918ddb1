"""The paper's figures and tables from runs: one function per figure, a shared style, make_figures to draw
every figure the given runs support, and write_report to assemble them into report.md.

    from semspace.figures import make_figures, write_report
    made = make_figures(["runs/qwen", "runs/train", "runs/eval-grpo"], "figures/", paper=True)
    write_report(made, sections=[("About these runs", "...")])
"""

from semspace.figures.fig1 import fig1a_entropy_vs_logprob, fig1b_er_vs_erv
from semspace.figures.fig1c import fig1c_pass_at_k
from semspace.figures.fig2 import fig2_response_metrics
from semspace.figures.fig3 import fig3_dataset_metrics
from semspace.figures.inputs import BenchmarkResult, EvalInput, Inputs, RunInput, read_eval, read_inputs
from semspace.figures.make import make_figures
from semspace.figures.missing import FigureDataMissing
from semspace.figures.outputs import FigureSet, MadeFigure, MadeTable, Skipped
from semspace.figures.paper import (
    paper_averages,
    paper_benchmark,
    paper_pass_at_1,
    paper_pass_at_k,
    published_averages,
    published_table,
)
from semspace.figures.report import write_report
from semspace.figures.tables import compare_pass_at_1, compare_pass_at_k, pass_at_1_table, pass_at_k_table
from semspace.figures.validation import ValidationPoint, step_in_run, validation_points

__all__ = [
    "BenchmarkResult",
    "EvalInput",
    "FigureDataMissing",
    "FigureSet",
    "Inputs",
    "MadeFigure",
    "MadeTable",
    "RunInput",
    "Skipped",
    "ValidationPoint",
    "compare_pass_at_1",
    "compare_pass_at_k",
    "fig1a_entropy_vs_logprob",
    "fig1b_er_vs_erv",
    "fig1c_pass_at_k",
    "fig2_response_metrics",
    "fig3_dataset_metrics",
    "make_figures",
    "paper_averages",
    "paper_benchmark",
    "paper_pass_at_1",
    "paper_pass_at_k",
    "pass_at_1_table",
    "pass_at_k_table",
    "published_averages",
    "published_table",
    "read_eval",
    "read_inputs",
    "step_in_run",
    "validation_points",
    "write_report",
]
