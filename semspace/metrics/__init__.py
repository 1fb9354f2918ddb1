"""Pure math: hidden-state arrays in, numbers out (SPEC §2-5). No I/O, no models.

Inputs are torch tensors or numpy arrays of any float dtype; every computation runs in float64.
"""

from semspace._lazy import lazy_exports

_EXPORTS = {
    "absolute_support_size": "semspace.metrics.majorization",
    "cumulative_dynamics": "semspace.metrics.dataset",
    "cumulative_traditional_dynamics": "semspace.metrics.dataset",
    "curvature": "semspace.metrics.rank",
    "effective_rank": "semspace.metrics.rank",
    "global_rank": "semspace.metrics.dataset",
    "global_traditional_rank": "semspace.metrics.dataset",
    "is_majorized_by": "semspace.metrics.majorization",
    "matrix_entropy": "semspace.metrics.rank",
    "mean_pooled": "semspace.metrics.dataset",
    "measure_dynamics": "semspace.metrics.dynamics",
    "measure_responses": "semspace.metrics.response",
    "MetricSettings": "semspace.metrics.settings",
    "normalized_spectrum": "semspace.metrics.majorization",
    "pad_to_common_length": "semspace.metrics.majorization",
    "perplexity": "semspace.metrics.tokens",
    "prefix_spectra": "semspace.metrics.majorization",
    "rank_dynamics": "semspace.metrics.dynamics",
    "rank_dynamics_batch": "semspace.metrics.dynamics",
    "RankDynamics": "semspace.metrics.dynamics",
    "response_entropy": "semspace.metrics.tokens",
    "response_metrics_batch": "semspace.metrics.response",
    "shannon_effective_rank": "semspace.metrics.majorization",
    "sliding_spectra": "semspace.metrics.majorization",
    "support_size": "semspace.metrics.majorization",
    "token_entropy": "semspace.metrics.tokens",
    "token_logprob": "semspace.metrics.tokens",
    "token_statistics": "semspace.metrics.tokens",
    "TokenStats": "semspace.metrics.tokens",
    "traditional_rank": "semspace.metrics.rank",
    "velocity_and_acceleration": "semspace.metrics.dynamics",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
