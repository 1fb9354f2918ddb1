"""pass@k over benchmark files: sample n responses per problem with collect, grade, estimate, average."""

from semspace.evaluate.benchmarks import Benchmark, default_data_dir, resolve_benchmarks
from semspace.evaluate.config import EvalConfig
from semspace.evaluate.passk import pass_at_k, pass_at_k_array, powers_of_two_up_to
from semspace.evaluate.results import build_results, level_table, passk_table
from semspace.evaluate.run import run_eval
from semspace.evaluate.scores import problem_counts, score_run
from semspace.store.manifest import RESULTS

__all__ = [
    "RESULTS",
    "Benchmark",
    "EvalConfig",
    "build_results",
    "default_data_dir",
    "level_table",
    "pass_at_k",
    "pass_at_k_array",
    "passk_table",
    "powers_of_two_up_to",
    "problem_counts",
    "resolve_benchmarks",
    "run_eval",
    "score_run",
]
