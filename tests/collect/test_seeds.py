"""Seeds per response: distinct within a run and across run seeds, well mixed, honoured by the hf backend."""

import json

import pytest

from semspace.collect import CollectConfig, HFSampler, SamplingSettings, run_collect
from semspace.collect.seeds import (
    PROMPT_BITS,
    RUN_SEED_BITS,
    SAMPLE_BITS,
    batch_seed,
    check_seed_space,
    response_seed,
)
from semspace.errors import InvalidInputError
from semspace.models import tiny_random
from semspace.store import read_manifest

BITS = RUN_SEED_BITS + PROMPT_BITS + SAMPLE_BITS
MODULUS = 1 << BITS


def unscramble(value: int) -> int:
    """The inverse of the seed scramble, written from its steps: undo each xor-shift, multiply by each inverse."""
    def undo_xorshift(x: int, shift: int) -> int:
        result = x
        for _ in range(BITS // shift + 1):
            result = x ^ (result >> shift)
        return result

    value = undo_xorshift(value, 31)
    value = (value * pow(0x14D049BB133111EB, -1, MODULUS)) % MODULUS
    value = undo_xorshift(value, 27)
    value = (value * pow(0x3F58476D1CE4E5B9, -1, MODULUS)) % MODULUS
    return undo_xorshift(value, 31)


@pytest.mark.parametrize("run_seed,prompt,sample", [(0, 0, 0), (0, 0, 1), (1, 0, 0), (7, 123, 5),
                                                     (2**31 - 1, 2**20 - 1, 2**12 - 1)])
def test_seed_unscrambles_to_the_packed_triple(run_seed, prompt, sample):
    seed = response_seed(run_seed, prompt, sample)
    assert 0 <= seed < 2**63
    assert unscramble(seed) == run_seed * 2**32 + prompt * 2**12 + sample


def test_no_two_responses_of_a_run_or_of_runs_with_other_seeds_share_a_seed():
    seeds = [response_seed(run, prompt, sample) for run in range(8) for prompt in range(1000) for sample in range(8)]
    assert len(set(seeds)) == len(seeds) == 64_000


def test_neighbouring_triples_give_unrelated_seeds():
    """About half of the 63 bits flip between a response and the next sample, or the next run seed."""
    flips = [bin(response_seed(run, prompt, 0) ^ response_seed(run, prompt, 1)).count("1")
             for run in range(10) for prompt in range(100)]
    flips += [bin(response_seed(run, prompt, 0) ^ response_seed(run + 1, prompt, 0)).count("1")
              for run in range(10) for prompt in range(100)]
    assert 29 < sum(flips) / len(flips) < 34
    assert min(flips) > 10


def test_the_old_overlaps_are_gone():
    """Before, sample j of prompt k had seed + k + j and --seed 4 replayed --seed 0 four prompts later."""
    assert response_seed(0, 0, 1) != response_seed(0, 1, 0)
    assert batch_seed(4, 0) != batch_seed(0, 4)
    assert batch_seed(3, 17) == response_seed(3, 17, 0)


@pytest.mark.parametrize("run_seed,prompts,samples,needle", [
    (-1, 1, 1, "--seed"), (2**31, 1, 1, "--seed"), (0, 2**20 + 1, 1, "prompts"), (0, 1, 2**12 + 1, "--n"),
])
def test_runs_beyond_the_seed_space_are_refused(run_seed, prompts, samples, needle):
    with pytest.raises(InvalidInputError, match=needle):
        check_seed_space(run_seed, prompts, samples)
    check_seed_space(2**31 - 1, 2**20, 2**12)


def test_hf_batches_follow_the_run_seed_and_first_prompt_index():
    """The same prompt sampled as prompt 4 of run 0 and as prompt 0 of run 4 (one generator stream before)."""
    loaded = tiny_random()
    sampler = HFSampler(loaded.model, loaded.tokenizer)
    ids = [loaded.tokenizer("What is 2 + 3?")["input_ids"]]
    settings = SamplingSettings(n=2, max_new_tokens=16)

    def tokens(run_seed, index):
        return [c.token_ids for c in sampler.sample(ids, settings, run_seed=run_seed, prompt_indices=[index])[0]]

    assert tokens(0, 4) == tokens(0, 4)
    assert tokens(0, 4) != tokens(4, 0)


def test_a_run_sampled_with_the_old_seeds_is_not_resumed(tmp_path):
    out = tmp_path / "run"
    config = CollectConfig(out=out, model="tiny-random", dataset="arithmetic:2",
                           sampling=SamplingSettings(n=1, max_new_tokens=4))
    run_collect(config)
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["sampling"]["seeds"]
    manifest["status"] = "running"
    (out / "manifest.json").write_text(json.dumps(manifest))
    config.resume = True
    with pytest.raises(InvalidInputError, match="older semspace") as raised:
        run_collect(config)
    assert "another --out" in raised.value.fix
    assert read_manifest(out)["status"] == "running", "the old run is left as it was"
