"""ER/ERV/ERA inside the actor's old-log-prob forward: no extra forward pass, and no hidden state leaves the worker.

verl's FSDP engine runs `forward_step` once per micro-batch. When the batch carries REQUEST (the semspace trainer
sets it for the old-log-prob pass only), a forward hook on the decoder keeps its output, the last layer after the
final norm (SPEC §1); each response's predictive rows are cut from it, its multi-turn spans (response_mask 0) are
dropped, and two small per-response tensors join the step's model outputs: INDICATORS (ER, ERV, ERA) and MEAN_STATE
(the mean of H, for the dataset-level ranks of paper Fig. 3). verl unbinds every model output per sequence, restores
the dynamic-batch order and returns it to the trainer through TransferQueue, as it does for the log-probs.
The spectra are computed in float64 by `semspace.metrics`, exactly as `semspace train` does, on the worker's GPU
where it solves them faster (`semspace.metrics_device`, default auto) and otherwise on its CPU.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager

import torch
from verl.utils import tensordict_utils as tu
from verl.workers.engine.fsdp.transformer_impl import FSDPEngineWithLMHead

from semspace.errors import InvalidInputError
from semspace.metrics import MetricSettings, measure_dynamics

REQUEST = "semspace_indicators_request"  # {"stride": s, "window": w, "device": d} in the batch's non-tensor data
INDICATORS = "semspace_indicators"  # per response: float64 (ER, ERV, ERA), NaN where undefined
MEAN_STATE = "semspace_mean_state"  # per response: float64 (d,) mean of H, NaN when H is empty or not finite


class RankDynamicsEngine:
    """Mixed into verl's FSDP language-model engine: a forward step whose batch carries REQUEST also returns
    INDICATORS and MEAN_STATE per response; every other step is verl's own."""

    def forward_step(self, micro_batch, loss_function, forward_only):
        """verl's forward step, plus the indicators of the micro-batch's responses when asked for."""
        request = tu.get_non_tensor_data(data=micro_batch, key=REQUEST, default=None)
        if request is None:
            return super().forward_step(micro_batch, loss_function, forward_only)
        with final_layer_outputs(self.module) as outputs:
            loss, output = super().forward_step(micro_batch, loss_function, forward_only)
        if len(outputs) != 1:
            raise RuntimeError(f"semspace expected one decoder forward per micro-batch, saw {len(outputs)}; this "
                               "model or verl release is not supported (see the `verl` extra in pyproject.toml).")
        indicators, mean_states = response_signals(self.response_states(outputs[0], micro_batch), **request)
        output["model_output"][INDICATORS] = torch.nested.as_nested_tensor(indicators, layout=torch.jagged)
        output["model_output"][MEAN_STATE] = torch.nested.as_nested_tensor(mean_states, layout=torch.jagged)
        return loss, output

    def response_states(self, states: torch.Tensor, micro_batch) -> list[torch.Tensor]:
        """Each response's predictive rows (SPEC §1: the states that produced its tokens) with response_mask 1."""
        offsets = micro_batch["input_ids"].offsets()
        response_mask = micro_batch["response_mask"]
        lengths = response_mask.offsets().diff().tolist()
        if tu.get_non_tensor_data(data=micro_batch, key="use_remove_padding", default=True):
            ends = offsets[1:].tolist()
            packed = self.unpadded_packed(states.squeeze(0), total=ends[-1])
            spans = [packed[end - r - 1:end - 1] for end, r in zip(ends, lengths)]
        else:  # right-padded (batch, longest, d): sequence i ends at its own length
            spans = [states[i, end - r - 1:end - 1] for i, (end, r) in enumerate(zip(offsets.diff().tolist(), lengths))]
        return [span[mask.to(span.device).bool()] for span, mask in zip(spans, response_mask.unbind())]

    def unpadded_packed(self, local: torch.Tensor, *, total: int) -> torch.Tensor:
        """The micro-batch's packed states without the tail padding, gathered over the sequence-parallel group the
        way verl gathers its log-probs."""
        parallel = self.ulysses_sequence_parallel_size if self.use_ulysses_sp else 1
        return self._gather_and_unpad_packed(local, local.shape[0] * parallel - total)


def add_rank_dynamics(engine) -> None:
    """Give an engine verl built the RankDynamicsEngine mixin (its class gains one method override, no state)."""
    if not isinstance(engine, FSDPEngineWithLMHead):
        raise InvalidInputError(f"semspace computes ER/ERV/ERA in verl's FSDP language-model engine, not in "
                                f"{type(engine).__name__}.", "Set actor_rollout_ref.actor.strategy=fsdp2 (or fsdp).")
    engine.__class__ = with_rank_dynamics(type(engine))


@functools.cache
def with_rank_dynamics(engine_class: type) -> type:
    """engine_class with RankDynamicsEngine's forward_step in front of its own."""
    return type(f"RankDynamics{engine_class.__name__}", (RankDynamicsEngine, engine_class), {})


@contextmanager
def final_layer_outputs(module) -> Iterator[list[torch.Tensor]]:
    """Collect the decoder's output (the last layer after the final norm) of each forward run inside; FSDP and
    PEFT wrappers forward `get_decoder` to the model they wrap."""
    collected: list[torch.Tensor] = []

    def keep(_module, _args, output) -> None:
        collected.append(output.last_hidden_state if hasattr(output, "last_hidden_state") else output[0])

    handle = module.get_decoder().register_forward_hook(keep)
    try:
        yield collected
    finally:
        handle.remove()


def response_signals(states: list[torch.Tensor], *, stride: int, window: int | None,
                     device: str = "auto") -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Per response: float64 (ER, ERV, ERA) by `semspace.metrics` (SPEC §2-3), spectra solved on `device` (auto: the
    worker's GPU for the sizes it solves faster), and the float64 mean state; a response whose states are not all
    finite counts as empty, so both are NaN (no bonus, left out of the batch means)."""
    usable = [rows if bool(rows.isfinite().all()) else rows[:0] for rows in (s.detach() for s in states)]
    dynamics = measure_dynamics(usable, MetricSettings(stride=stride, window=window, device=device))
    indicators = [torch.tensor([d.er, d.erv, d.era], dtype=torch.float64) for d in dynamics]
    return indicators, [rows.double().mean(0).cpu() for rows in usable]
