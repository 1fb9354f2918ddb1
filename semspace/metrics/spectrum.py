"""Exact singular values of (centred) prefixes of hidden-state matrices, fast and in float64.

The trick that makes every prefix cheap: the Helmert contrasts of H's rows,
    y_i = (x_1 + ... + x_i - i * x_{i+1}) / sqrt(i (i + 1)),   i = 1 .. T-1,
are orthonormal combinations of rows orthogonal to the all-ones vector, and y_1..y_{k-1} use only x_1..x_k.
So the centred prefix of k rows has exactly the singular values of Y[:k-1]: no per-prefix re-centring, and
the squared singular values of every prefix are eigenvalues of a leading block of one Gram Y Yᵀ (while the
block is at most d wide) or of a running covariance Y[:r]ᵀ Y[:r] (beyond d). Rows are shifted by their mean
before any product, so a large common mean costs no digits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch

from semspace.metrics.placement import Placement, placement

Reduce = Callable[[torch.Tensor], torch.Tensor]

# Eigenvalues below this many ulps of the largest are rounding noise of the Gram product, not spectrum:
# their square roots (~1e-8 of the largest singular value) would otherwise leak into ER.
NOISE_ULPS = 8.0
# Upper bound on the bytes of Gram/covariance matrices one eigen-solve batch may hold.
BATCH_BYTES = 256 * 2**20
# Rows shifted and scaled at a time while making contrasts, so no second (T, d) copy is made.
CONTRAST_CHUNK = 512
ON_CPU = placement("cpu")


def contrast_rows(H: torch.Tensor, *, center: bool) -> torch.Tensor:
    """Rows whose leading r rows have the singular values of the (centred) prefix; see the module docstring.

    One (T-1, d) float64 matrix is made; H itself is not modified.
    """
    if not center:
        return H
    T = H.shape[0]
    if T < 2:
        return H[:0]
    mean = H.mean(dim=0)
    contrasts = (H[:-1] - mean).cumsum_(dim=0)
    i = torch.arange(1, T, dtype=H.dtype, device=H.device).unsqueeze(1)
    for start in range(0, T - 1, CONTRAST_CHUNK):  # shift before scaling by i, a chunk of rows at a time
        rows = slice(start, start + CONTRAST_CHUNK)
        contrasts[rows].sub_((H[1:][rows] - mean).mul_(i[rows]))
    return contrasts.div_(torch.sqrt(i * (i + 1)))


def prefix_row_count(k: int, *, center: bool) -> int:
    """How many contrast rows describe a prefix of k original rows."""
    return k - 1 if center else k


@dataclass
class Job:
    """One spectrum to compute: the leading `rows` rows of response `owner`'s contrast matrix.

    `result` is the reduced spectrum; with `keep_spectrum`, `spectrum` holds the singular values themselves.
    """

    owner: int
    rows: int
    keep_spectrum: bool = False
    result: torch.Tensor | None = field(default=None, repr=False)
    spectrum: torch.Tensor | None = field(default=None, repr=False)


def _keep(sigma: torch.Tensor) -> torch.Tensor:
    """The identity reduction: keep the whole spectrum."""
    return sigma


def _eigvals_to_singular(eigenvalues: torch.Tensor) -> torch.Tensor:
    """Square roots of symmetric-PSD eigenvalues, descending, with rounding noise set to exact zero."""
    largest = eigenvalues.amax(dim=-1, keepdim=True).clamp_min(0)
    floor = largest * (NOISE_ULPS * eigenvalues.shape[-1] * torch.finfo(eigenvalues.dtype).eps)
    clean = torch.where(eigenvalues > floor, eigenvalues, torch.zeros_like(eigenvalues))
    return clean.sqrt().flip(-1)


@contextmanager
def _one_torch_thread():
    """Let each worker run its own LAPACK call: two concurrent single-threaded eigen-solves beat one two-threaded."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield previous
    finally:
        torch.set_num_threads(previous)


Chunk = tuple[list[Job], list[torch.Tensor]]


def _solve_tasks(tasks: list[Chunk], reduce: Reduce, where: Placement) -> None:
    """Solve groups of equal-size Gram/covariance matrices, in memory-bounded chunks: those the placement puts on
    the CPU spread over all torch threads, the others one after another on their device."""
    workers = torch.get_num_threads()
    chunks: list[Chunk] = []
    for jobs, matrices in tasks:
        size = matrices[0].shape[-1]
        per_chunk = max(1, min(BATCH_BYTES // (8 * size * size), math.ceil(len(matrices) / workers)))
        chunks += [(jobs[i:i + per_chunk], matrices[i:i + per_chunk]) for i in range(0, len(matrices), per_chunk)]
    chunks.sort(key=lambda chunk: -len(chunk[0]) * chunk[1][0].shape[-1] ** 3)

    def solve(chunk: Chunk) -> None:
        jobs, matrices = chunk
        device = where.for_side(matrices[0].shape[-1])
        sigma = _eigvals_to_singular(torch.linalg.eigvalsh(torch.stack(matrices).to(device)))
        results = reduce(sigma)
        for index, job in enumerate(jobs):
            job.result = results[index]
            if job.keep_spectrum:
                job.spectrum = sigma[index]

    on_cpu = [chunk for chunk in chunks if where.for_side(chunk[1][0].shape[-1]).type == "cpu"]
    for chunk in chunks:
        if where.for_side(chunk[1][0].shape[-1]).type != "cpu":
            solve(chunk)
    if workers == 1 or len(on_cpu) <= 1:
        for chunk in on_cpu:
            solve(chunk)
        return
    with _one_torch_thread(), ThreadPoolExecutor(workers) as pool:
        list(pool.map(solve, on_cpu))


def solve_jobs(rows: list[torch.Tensor], jobs: list[list[Job]], reduce: Reduce = _keep,
               where: Placement = ON_CPU) -> None:
    """Fill every job of every owner: reduce(singular values of rows[owner][:job.rows]).

    Singular values come descending with zeros last, min(r, d) of them; `reduce` maps a (batch, n) tensor of them
    to a (batch, ...) tensor (e.g. effective ranks), so per-spectrum work stays vectorised. Blocks up to d rows are
    leading blocks of one Gram per response; longer ones use a running d×d covariance. Equal-size problems of all
    responses share batched solves.
    """
    gram_jobs: dict[int, list[Job]] = {}
    grams: dict[int, torch.Tensor] = {}
    for owner, owner_jobs in enumerate(jobs):
        d = rows[owner].shape[1]
        small = [job for job in owner_jobs if 0 < job.rows <= d]
        if small:
            head = rows[owner][:max(job.rows for job in small)]
            grams[owner] = head @ head.T
            for job in small:
                gram_jobs.setdefault(job.rows, []).append(job)
        for job in owner_jobs:
            if job.rows == 0:
                empty = rows[owner].new_zeros(1, 0)
                job.result, job.spectrum = reduce(empty)[0], (empty[0] if job.keep_spectrum else None)
        _solve_covariance_jobs(rows[owner], [job for job in owner_jobs if job.rows > d], reduce, where)
    tasks = [(group, [grams[job.owner][:size, :size] for job in group]) for size, group in gram_jobs.items()]
    if tasks:
        _solve_tasks(tasks, reduce, where)


def leading_block_spectra(rows: list[torch.Tensor], counts: list[list[int]], reduce: Reduce = _keep,
                          where: Placement = ON_CPU) -> list[list[torch.Tensor]]:
    """reduce(singular values of rows[i][:r]) for every r in counts[i] (see solve_jobs)."""
    jobs = [[Job(owner, r) for r in owner_counts] for owner, owner_counts in enumerate(counts)]
    solve_jobs(rows, jobs, reduce, where)
    return [[job.result for job in owner_jobs] for owner_jobs in jobs]


def _solve_covariance_jobs(rows: torch.Tensor, jobs: list[Job], reduce: Reduce, where: Placement) -> None:
    """Spectra of rows[:r] for r > d via a running covariance, solved in memory-bounded batches."""
    if not jobs:
        return
    d = rows.shape[1]
    per_batch = max(1, BATCH_BYTES // (8 * d * d))
    covariance = rows.new_zeros(d, d)
    done = 0
    pending_jobs: list[Job] = []
    pending: list[torch.Tensor] = []
    for job in sorted(jobs, key=lambda j: j.rows):
        block = rows[done:job.rows]
        covariance = covariance + block.T @ block
        done = job.rows
        pending_jobs.append(job)
        pending.append(covariance)
        if len(pending) == per_batch:
            _solve_tasks([(pending_jobs, pending)], reduce, where)
            pending_jobs, pending = [], []
    if pending:
        _solve_tasks([(pending_jobs, pending)], reduce, where)


def singular_values(H: torch.Tensor, *, center: bool) -> torch.Tensor:
    """All min(T', d) singular values of the (centred) float64 matrix H, descending (T' = T-1 when centred)."""
    rows = contrast_rows(H, center=center)
    return leading_block_spectra([rows], [[rows.shape[0]]])[0][0]


def effective_ranks(sigma: torch.Tensor, *, spectrum: str = "sigma") -> torch.Tensor:
    """ER = exp(-Σ p log(p + 1e-8)), p = s / (Σs + 1e-8), s = σ or σ² (SPEC §2), over the last axis."""
    values = sigma if spectrum == "sigma" else sigma.square()
    p = values / (values.sum(dim=-1, keepdim=True) + 1e-8)
    return torch.exp(-(p * torch.log(p + 1e-8)).sum(dim=-1))
