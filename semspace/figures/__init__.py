"""The paper's figures and tables from runs: one function per figure, a shared style, make_figures to draw
every figure the given runs support, and write_report to assemble them into report.md.

    from semspace.figures import make_figures, write_report
    made = make_figures(["runs/qwen", "runs/train", "runs/eval-grpo"], "figures/", paper=True)
    write_report(made, sections=[("About these runs", "...")])
"""

from semspace._lazy import lazy_exports

_EXPORTS = {
    "majorization_plot": "semspace.figures.majorize_plot",
    "scatter_figure": "semspace.figures.scatter",
    "scatter_plot": "semspace.figures.scatter",
    "BenchmarkResult": "semspace.figures.inputs",
    "compare_pass_at_1": "semspace.figures.tables",
    "compare_pass_at_k": "semspace.figures.tables",
    "EvalInput": "semspace.figures.inputs",
    "fig1a_entropy_vs_logprob": "semspace.figures.fig1",
    "fig1b_er_vs_erv": "semspace.figures.fig1",
    "fig1c_pass_at_k": "semspace.figures.fig1c",
    "fig2_response_metrics": "semspace.figures.fig2",
    "fig3_dataset_metrics": "semspace.figures.fig3",
    "FigureDataMissing": "semspace.figures.missing",
    "FigureSet": "semspace.figures.outputs",
    "Inputs": "semspace.figures.inputs",
    "MadeFigure": "semspace.figures.outputs",
    "MadeTable": "semspace.figures.outputs",
    "make_figures": "semspace.figures.make",
    "paper_averages": "semspace.figures.paper",
    "paper_benchmark": "semspace.figures.paper",
    "paper_pass_at_1": "semspace.figures.paper",
    "paper_pass_at_k": "semspace.figures.paper",
    "pass_at_1_table": "semspace.figures.tables",
    "pass_at_k_table": "semspace.figures.tables",
    "published_averages": "semspace.figures.paper",
    "published_table": "semspace.figures.paper",
    "read_eval": "semspace.figures.inputs",
    "read_inputs": "semspace.figures.inputs",
    "RunInput": "semspace.figures.inputs",
    "Skipped": "semspace.figures.outputs",
    "step_in_run": "semspace.figures.validation",
    "validation_points": "semspace.figures.validation",
    "ValidationPoint": "semspace.figures.validation",
    "write_report": "semspace.figures.report",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
