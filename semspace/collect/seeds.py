"""Seeds of a run: one per response, from (run seed, prompt index, sample index), distinct by construction.

The three numbers are packed into one 63-bit integer (31 bits of run seed, 20 of prompt index, 12 of sample
index), which is then scrambled by a bijection of the 63-bit integers (xor-shifts and odd multipliers, as in
splitmix64's finaliser). Different triples therefore always give different seeds, within a run and between
runs with different --seed, and neighbouring triples give unrelated ones. 63 bits keep every seed a
non-negative signed 64-bit integer, which torch and vLLM both take.
"""

from __future__ import annotations

from semspace.errors import InvalidInputError

RUN_SEED_BITS, PROMPT_BITS, SAMPLE_BITS = 31, 20, 12
SEED_BITS = RUN_SEED_BITS + PROMPT_BITS + SAMPLE_BITS
MASK = (1 << SEED_BITS) - 1
SCHEME = "mix63(run seed, prompt index, sample index)"  # recorded in the manifest: resumes must use the same


def check_seed_space(run_seed: int, prompts: int, samples: int) -> None:
    """Refuse runs whose seeds the packing cannot keep apart, before anything is sampled."""
    if not 0 <= run_seed < 1 << RUN_SEED_BITS:
        raise InvalidInputError(f"--seed must be in 0..{(1 << RUN_SEED_BITS) - 1}, got {run_seed}.",
                                "Pass a smaller non-negative --seed.")
    if prompts > 1 << PROMPT_BITS:
        raise InvalidInputError(f"A run takes at most {1 << PROMPT_BITS} prompts (each needs its own seeds), "
                                f"this one has {prompts}.", "Split the dataset with --limit or into several files.")
    if samples > 1 << SAMPLE_BITS:
        raise InvalidInputError(f"--n must be at most {1 << SAMPLE_BITS} (each response needs its own seed).",
                                "Lower --n, or run again with another --seed for more samples.")


def check_resumable_seeds(manifest: dict) -> None:
    """Refuse to continue a run sampled under other seeds: its new rows would not be the rows it would have had."""
    scheme = manifest.get("sampling", {}).get("seeds")
    if scheme != SCHEME:
        raise InvalidInputError(
            f"This run was sampled with {scheme or 'an older semspace, whose seeds were run seed + prompt index'}, "
            f"this semspace samples with {SCHEME}: resumed rows would not match.",
            "Start a new run with another --out; the old run stays readable as it is.")


def response_seed(run_seed: int, prompt_index: int, sample_index: int) -> int:
    """The seed of sample `sample_index` of prompt `prompt_index` in a run seeded `run_seed`."""
    check_seed_space(run_seed, prompt_index + 1, sample_index + 1)
    packed = (run_seed << (PROMPT_BITS + SAMPLE_BITS)) | (prompt_index << SAMPLE_BITS) | sample_index
    return _scramble(packed)


def batch_seed(run_seed: int, first_prompt_index: int) -> int:
    """The generator seed of a batch whose responses share one random stream (HF generate): the seed of its
    first prompt's first response, so batches of one run, and of runs with different seeds, never share one."""
    return response_seed(run_seed, first_prompt_index, 0)


def _scramble(value: int) -> int:
    """A bijection of [0, 2**63): each xor-shift and each multiplication by an odd number is invertible."""
    value ^= value >> 31
    value = (value * 0x3F58476D1CE4E5B9) & MASK
    value ^= value >> 27
    value = (value * 0x14D049BB133111EB) & MASK
    return value ^ (value >> 31)
