"""Analyses of stored runs: data frames in, tables (and figures) out. Depends only on store and metrics."""

from semspace.analyses.correlate import RESULT_COLUMNS, correlate, correlation_table
from semspace.analyses.frames import load_runs, numeric_columns
from semspace.analyses.majorize import Majorization, SchurConsistencyError, majorize_run, pair_table
from semspace.analyses.majorize_plot import majorization_plot
from semspace.analyses.majorize_summary import flag_relations, pair_summary
from semspace.analyses.recompute import recompute_run
from semspace.analyses.scatter import check_figure_path, scatter_figure, scatter_plot
from semspace.analyses.strata import group_labels
from semspace.analyses.tables import check_table_path, write_table

__all__ = [
    "RESULT_COLUMNS",
    "Majorization",
    "SchurConsistencyError",
    "check_figure_path",
    "check_table_path",
    "correlate",
    "correlation_table",
    "flag_relations",
    "group_labels",
    "load_runs",
    "majorization_plot",
    "majorize_run",
    "numeric_columns",
    "pair_summary",
    "pair_table",
    "recompute_run",
    "scatter_figure",
    "scatter_plot",
    "write_table",
]
