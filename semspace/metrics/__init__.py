"""Pure math: hidden-state arrays in, numbers out (SPEC §2-5). No I/O, no models.

Inputs are torch tensors or numpy arrays of any float dtype; every computation runs in float64.
"""

from semspace.metrics.dataset import (
    cumulative_dynamics,
    cumulative_traditional_dynamics,
    global_rank,
    global_traditional_rank,
    mean_pooled,
)
from semspace.metrics.dynamics import (
    RankDynamics,
    measure_dynamics,
    rank_dynamics,
    rank_dynamics_batch,
    velocity_and_acceleration,
)
from semspace.metrics.majorization import (
    absolute_support_size,
    is_majorized_by,
    normalized_spectrum,
    pad_to_common_length,
    prefix_spectra,
    shannon_effective_rank,
    sliding_spectra,
    support_size,
)
from semspace.metrics.rank import curvature, effective_rank, matrix_entropy, traditional_rank
from semspace.metrics.response import measure_responses, response_metrics_batch
from semspace.metrics.settings import MetricSettings
from semspace.metrics.tokens import (
    TokenStats,
    perplexity,
    response_entropy,
    token_entropy,
    token_logprob,
    token_statistics,
)

__all__ = [
    "MetricSettings",
    "RankDynamics",
    "TokenStats",
    "absolute_support_size",
    "cumulative_dynamics",
    "cumulative_traditional_dynamics",
    "curvature",
    "effective_rank",
    "global_rank",
    "global_traditional_rank",
    "is_majorized_by",
    "matrix_entropy",
    "mean_pooled",
    "measure_dynamics",
    "measure_responses",
    "normalized_spectrum",
    "pad_to_common_length",
    "perplexity",
    "prefix_spectra",
    "rank_dynamics",
    "rank_dynamics_batch",
    "response_entropy",
    "response_metrics_batch",
    "shannon_effective_rank",
    "sliding_spectra",
    "support_size",
    "token_entropy",
    "token_logprob",
    "token_statistics",
    "traditional_rank",
    "velocity_and_acceleration",
]
