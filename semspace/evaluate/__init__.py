"""pass@k over benchmark files: sample n responses per problem with collect, grade, estimate, average."""

from semspace._lazy import lazy_exports

_EXPORTS = {
    "Benchmark": "semspace.evaluate.benchmarks",
    "build_results": "semspace.evaluate.results",
    "default_data_dir": "semspace.evaluate.benchmarks",
    "EvalConfig": "semspace.evaluate.config",
    "level_table": "semspace.evaluate.results",
    "pass_at_k": "semspace.evaluate.passk",
    "pass_at_k_array": "semspace.evaluate.passk",
    "passk_table": "semspace.evaluate.results",
    "powers_of_two_up_to": "semspace.evaluate.passk",
    "problem_counts": "semspace.evaluate.scores",
    "resolve_benchmarks": "semspace.evaluate.benchmarks",
    "RESULTS": "semspace.layout",
    "run_eval": "semspace.evaluate.run",
    "score_run": "semspace.evaluate.scores",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
