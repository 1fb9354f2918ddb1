"""Pure math: hidden-state arrays in, numbers out (SPEC §2-5). No I/O, no models."""

from semspace.metrics.dynamics import RankDynamics, rank_dynamics, rank_dynamics_batch

from semspace.metrics.rank import curvature, effective_rank, matrix_entropy, traditional_rank

__all__ = [
    "RankDynamics",
    "curvature",
    "effective_rank",
    "matrix_entropy",
    "rank_dynamics",
    "rank_dynamics_batch",
    "traditional_rank",
]
