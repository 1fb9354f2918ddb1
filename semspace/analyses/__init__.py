"""Analyses of stored runs: data frames in, tables out (their plots are in semspace.figures). Depends only on store
and metrics."""

from semspace._lazy import lazy_exports

_EXPORTS = {
    "check_figure_path": "semspace.analyses.tables",
    "check_table_path": "semspace.analyses.tables",
    "correlate": "semspace.analyses.correlation",
    "correlation_table": "semspace.analyses.correlation",
    "flag_relations": "semspace.analyses.majorize_summary",
    "group_labels": "semspace.analyses.strata",
    "load_runs": "semspace.analyses.frames",
    "Majorization": "semspace.analyses.majorize",
    "majorize_run": "semspace.analyses.majorize",
    "numeric_columns": "semspace.analyses.frames",
    "pair_summary": "semspace.analyses.majorize_summary",
    "pair_table": "semspace.analyses.majorize",
    "recompute_run": "semspace.analyses.recompute",
    "RESULT_COLUMNS": "semspace.analyses.correlation",
    "SchurConsistencyError": "semspace.analyses.majorize",
    "write_table": "semspace.analyses.tables",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
