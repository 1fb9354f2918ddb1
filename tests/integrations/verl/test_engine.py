"""The engine side through verl's real training worker and FSDP2 engine (infer_batch, micro-batching, dynamic-batch
reordering, forward_step, per-sequence unbinding) on a tiny random Qwen2, against an independent oracle: a plain
transformers forward of each sequence alone, its predictive rows cut by hand (SPEC §1), and ER/ERV/ERA from one
SVD per prefix (tests/metrics/oracle.py)."""

import math

import pytest

verl = pytest.importorskip("verl", reason="verl 0.9 is not installed here; `make test-verl` runs this in .venv-verl")
pytestmark = pytest.mark.verl

import torch  # noqa: E402
from transformers import AutoModelForCausalLM  # noqa: E402
from verl.trainer.config import CheckpointConfig  # noqa: E402
from verl.utils import tensordict_utils as tu  # noqa: E402
from verl.workers.config import (  # noqa: E402
    FSDPEngineConfig,
    FSDPOptimizerConfig,
    HFModelConfig,
    TrainingWorkerConfig,
)

from semspace.errors import InvalidInputError  # noqa: E402
from semspace.integrations.verl.engine import INDICATORS, MEAN_STATE, REQUEST, add_rank_dynamics  # noqa: E402
from semspace.integrations.verl.workers import SemspaceTrainingWorker  # noqa: E402
from tests.metrics.oracle import dynamics_oracle  # noqa: E402

STRIDE, WINDOW = 8, 24
# (prompt length, response length, masked response span): a response longer than the window, one with a multi-turn
# span left out of H, one long enough for ERV only, one of a single token (ER undefined) and one like verl's padding
# samples (response_mask all 0, so H is empty).
SEQUENCES = ((5, 70, None), (9, 41, (10, 20)), (3, 20, None), (7, 33, None), (4, 1, None), (6, 1, (0, 1)))
BATCHINGS = {"dynamic": {"use_dynamic_bsz": True, "max_token_len_per_gpu": 90},
             "fixed": {"use_dynamic_bsz": False, "micro_batch_size_per_gpu": 2}}


@pytest.fixture(scope="module")
def workers(verl_on_cpu, tiny_model_dir):
    """One real actor worker per layout: packed (remove-padding) and padded."""
    return {layout: build_worker(tiny_model_dir, packed=layout == "packed") for layout in ("packed", "padded")}


def build_worker(model_dir, *, packed: bool) -> SemspaceTrainingWorker:
    """verl's training worker over the tiny model in float32 (no autocast), as the actor's would be built."""
    model = HFModelConfig(path=str(model_dir), use_remove_padding=packed, enable_gradient_checkpointing=False,
                          override_config={"attn_implementation": "sdpa"})
    engine = FSDPEngineConfig(strategy="fsdp2", use_torch_compile=False, use_dynamic_bsz=True,
                              infer_max_token_len_per_gpu=90, infer_micro_batch_size_per_gpu=2,
                              mixed_precision={"param_dtype": "fp32", "reduce_dtype": "fp32", "buffer_dtype": "fp32"})
    worker = SemspaceTrainingWorker(TrainingWorkerConfig(
        model_type="language_model", model_config=model, engine_config=engine,
        optimizer_config=FSDPOptimizerConfig(lr=1e-6), checkpoint_config=CheckpointConfig()))
    worker.reset()
    return worker


def old_log_prob_batch(vocab_size: int, *, request: bool, batching: dict):
    """A batch as TransferQueue hands it to the actor for the old-log-prob pass (nested, one row per sequence)."""
    generator = torch.Generator().manual_seed(0)
    ids, masks = [], []
    for prompt, response, span in SEQUENCES:
        ids.append(torch.randint(3, vocab_size, (prompt + response,), generator=generator))
        mask = torch.ones(response, dtype=torch.int64)
        if span:
            mask[span[0]:span[1]] = 0
        masks.append(mask)

    def nested(rows):
        return torch.nested.as_nested_tensor(rows, layout=torch.jagged)

    info = {"temperature": 1.0, "calculate_entropy": True, "compute_loss": False, **batching}
    if request:
        info[REQUEST] = {"stride": STRIDE, "window": WINDOW}
    return tu.get_tensordict({"input_ids": nested(ids), "position_ids": nested([torch.arange(len(x)) for x in ids]),
                              "response_mask": nested(masks), "loss_mask": nested(masks)}, non_tensor_dict=info), ids


def oracle(model_dir, ids):
    """Per sequence, alone: H = the predictive rows of the last hidden layer (response_mask 1 only), its ER/ERV/ERA
    by per-prefix SVD, and its mean."""
    reference = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="sdpa")
    expected = []
    for sequence, (prompt, response, span) in zip(ids, SEQUENCES):
        with torch.no_grad():
            last = reference(sequence[None], output_hidden_states=True).hidden_states[-1][0]
        rows = last[prompt - 1:prompt + response - 1].double()
        keep = torch.ones(response, dtype=torch.bool)
        if span:
            keep[span[0]:span[1]] = False
        H = rows[keep]
        er, erv, era, _ = dynamics_oracle(H.numpy(), STRIDE, WINDOW)
        expected.append(((er, erv, era), H.mean(0)))
    return expected


def padded(output, key):
    return output[key].to_padded_tensor(math.nan)


@pytest.mark.parametrize("layout,batching", [("packed", "dynamic"), ("padded", "dynamic"), ("packed", "fixed")])
def test_indicators_from_the_old_log_prob_forward_match_per_sequence_svd(workers, tiny_model_dir, layout, batching):
    worker = workers[layout]
    vocab = worker.model_config.hf_config.vocab_size
    asked, ids = old_log_prob_batch(vocab, request=True, batching=BATCHINGS[batching])
    output = worker.infer_batch(asked)
    indicators, means = padded(output, INDICATORS), padded(output, MEAN_STATE)
    assert indicators.shape == (len(SEQUENCES), 3) and means.shape == (len(SEQUENCES), 64)
    for i, ((er, erv, era), mean) in enumerate(oracle(tiny_model_dir, ids)):
        assert indicators[i].tolist() == pytest.approx([er, erv, era], rel=1e-5, abs=1e-5, nan_ok=True), i
        assert torch.allclose(means[i], mean, atol=1e-5, equal_nan=True), i
    assert math.isnan(indicators[2, 2]) and not math.isnan(indicators[2, 1]), "20 tokens: ERV but no ERA at stride 8"
    assert indicators[4:].isnan().all() and means[5].isnan().all(), "one row has no ER; an empty H has nothing"

    plain, _ = old_log_prob_batch(vocab, request=False, batching=BATCHINGS[batching])
    unasked = worker.infer_batch(plain)
    assert INDICATORS not in unasked.keys() and MEAN_STATE not in unasked.keys(), "only the old-log-prob pass asks"
    assert torch.equal(unasked["log_probs"].values(), output["log_probs"].values()), "the hook changes no log-prob"


def test_an_engine_other_than_fsdp_is_refused():
    with pytest.raises(InvalidInputError, match="actor_rollout_ref.actor.strategy=fsdp2"):
        add_rank_dynamics(object())
