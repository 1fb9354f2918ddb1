"""TRL's GRPOTrainer with an advantage shaper, its metrics in TRL's logs, and optional step rows in a run folder."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import torch
from trl import GRPOTrainer
from trl.models.utils import disable_gradient_checkpointing

from semspace.errors import InvalidInputError
from semspace.layout import checkpoint_step
from semspace.metrics import MetricSettings
from semspace.metrics.training import INDICATORS, RESPONSE_COLUMNS, finite_mean, step_metrics, tracker_metrics
from semspace.shaping import VerlShaper
from semspace.store import RunWriter
from semspace.store.manifest import write_json_atomic
from semspace.train.signals import PolicyPass, Signals, completion_signals, predictive_states
from semspace.train.steplog import step_prompt_id, step_row

SHAPER_STATE = "shaper_state.json"
TRAINER_STATE = "trainer_state.json"  # transformers writes it last: a checkpoint without it is incomplete
logger = logging.getLogger(__name__)


class ShapedGRPOTrainer(GRPOTrainer):
    """GRPO whose advantages pass through `shaper` (SPEC §7), with any reward functions and any dataset TRL takes.

    A completion counts as correct (Fig. 2's split) when its TRL reward, the weighted sum of `reward_funcs`, is above
    `correct_above`. ER/ERV/ERA (`stride`, `window`; spectra solved on `metrics_device`) come from the policy's own
    last-layer states in TRL's no-grad forward: its old log-prob pass when TRL makes one (more than one iteration
    per generation, vLLM importance sampling), else one more pass of the same kind. Each step's semspace metrics go
    into TRL's logs under `semspace/`; with `step_writer`, they also go to a run folder as one row per step at
    every logging step.
    """

    def __init__(self, *args, shaper=None, stride: int = 40, window: int | None = 512, global_stride: int = 20,
                 correct_above: float = 0.0, metrics_device: str = "auto", step_writer: RunWriter | None = None,
                 **kwargs):
        self.metric_settings = MetricSettings(stride=stride, window=window, device=metrics_device)
        super().__init__(*args, **kwargs)
        self.shaper = shaper if shaper is not None else VerlShaper()
        self.global_stride = global_stride
        self.correct_above, self.step_writer = correct_above, step_writer
        self.pending_rows: list[dict] = []
        self.last_signals: Signals | None = None
        self._take_policy_pass = False
        self._policy_pass: PolicyPass | None = None
        self._rewards: torch.Tensor | None = None

    def _generate_and_score_completions(self, inputs):
        """TRL's generation and advantages, then the shaper on the policy's own hidden states (training only)."""
        if not self.model.training:
            return super()._generate_and_score_completions(inputs)
        self._take_policy_pass, self._policy_pass = self.trl_makes_old_forward(), None
        output = super()._generate_and_score_completions(inputs)
        if self._take_policy_pass:
            raise RuntimeError("TRL did not run the old log-prob pass semspace expected; this TRL release is not "
                               "supported (see the `train` extra in pyproject.toml).")
        if "pixel_values" in output:
            raise InvalidInputError("semspace shapes text-only policies; this batch carries images.",
                                    "Train vision-language models with TRL's GRPOTrainer.")
        if self._policy_pass is None:
            self._own_policy_pass(output)
        valid = output["completion_mask"].bool() & output.get("tool_mask", output["completion_mask"]).bool()
        signals = completion_signals(self._policy_pass, valid, self.metric_settings)
        self.last_signals, self._policy_pass = signals, None
        output["advantages"] = self._shape(output, signals)
        return output

    def trl_makes_old_forward(self) -> bool:
        """TRL's own condition (in _generate_and_score_completions) for computing the old per-token log-probs."""
        generate_every = self.args.steps_per_generation * self.num_iterations
        return self.args.gradient_accumulation_steps % generate_every != 0 or \
            bool(self.use_vllm and self.vllm_importance_sampling_correction)

    def _get_per_token_logps_and_entropies(self, model, input_ids, attention_mask, logits_to_keep, batch_size=None,
                                           compute_entropy=False, **kwargs):
        """TRL's pass; the policy pass semspace waits for also keeps the predictive states and token entropies."""
        if not (self._take_policy_pass and model is self.model):
            return super()._get_per_token_logps_and_entropies(model, input_ids, attention_mask, logits_to_keep,
                                                              batch_size, compute_entropy, **kwargs)
        self._take_policy_pass = False
        with predictive_states(self.accelerator.unwrap_model(self.model), logits_to_keep) as states:
            logps, entropies, aux = super()._get_per_token_logps_and_entropies(
                model, input_ids, attention_mask, logits_to_keep, batch_size, True, **kwargs)
        self._policy_pass = PolicyPass(torch.cat(states), entropies.detach())
        return logps, entropies if compute_entropy else None, aux

    def _own_policy_pass(self, output) -> None:
        """One no-grad forward of the policy as TRL makes its log-prob passes, when TRL made none this step."""
        ids = torch.cat([output["prompt_ids"], output["completion_ids"]], dim=1)
        mask = torch.cat([output["prompt_mask"], output["completion_mask"]], dim=1)
        self._take_policy_pass = True
        with torch.no_grad(), disable_gradient_checkpointing(self.model, self.args.gradient_checkpointing_kwargs):
            self._get_per_token_logps_and_entropies(self.model, ids, mask, output["completion_ids"].size(1),
                                                    batch_size=self.args.per_device_train_batch_size)

    def _calculate_rewards(self, inputs, prompts, completions, completion_ids_list):
        """TRL's rewards (gathered over processes); their weighted sum decides which completions count as correct."""
        rewards_per_func = super()._calculate_rewards(inputs, prompts, completions, completion_ids_list)
        weights = self.reward_weights.to(rewards_per_func.device).unsqueeze(0)
        rewards = (rewards_per_func * weights).nansum(dim=1)
        rewards[torch.isnan(rewards_per_func).all(dim=1)] = torch.nan
        self._rewards = rewards.detach().double().cpu()
        return rewards_per_func

    def _shape(self, output, signals: Signals) -> torch.Tensor:
        """Shape this process's advantages with batch means over every process; log the step's metrics."""
        local = torch.stack([signals.lengths, signals.mean_token_entropy, signals.er, signals.erv, signals.era], 1)
        gathered = self._gather(local)
        correct = (self._rewards > self.correct_above).double()
        responses = torch.cat([self._rewards[:, None], correct[:, None], gathered], dim=1)
        means = {k: finite_mean(responses[:, RESPONSE_COLUMNS.index(k)]) for k in INDICATORS}
        available = {"er": signals.er, "erv": signals.erv, "era": signals.era, "batch_means": means,
                     "token_entropy": signals.token_entropy, "completion_mask": output["completion_mask"]}
        shaped = self.shaper(output["advantages"], **{k: available[k] for k in self.shaper.requires})
        metrics = step_metrics(responses, self._gather(signals.pooled), global_stride=self.global_stride)
        for name, value in tracker_metrics(metrics, self.shaper.last_stats).items():
            self._metrics["train"][name].append(value)
        if self.accelerator.is_main_process and self.step_writer is not None:
            self.pending_rows.append(step_row(self.state.global_step + 1, metrics, self.shaper.last_stats))
        return shaped

    def _gather(self, local: torch.Tensor) -> torch.Tensor:
        """The whole batch across processes (every process holds the same number of completions)."""
        return self.accelerator.gather(local.to(self.accelerator.device)).cpu()

    def log(self, logs: dict[str, float], start_time: float | None = None) -> None:
        """TRL's logging (semspace/* included), then the step rows so far to the run folder."""
        super().log(logs, start_time)
        self.flush_step_rows()

    def flush_step_rows(self) -> None:
        """Write the buffered step rows as one shard; a step the run already holds keeps its first row."""
        if self.step_writer is None or not self.pending_rows:
            return
        done = self.step_writer.done_prompt_ids
        rows = [row for row in self.pending_rows if step_prompt_id(row["step"]) not in done]
        if rows:
            self.step_writer.write_shard(rows)
        self.pending_rows = []

    def train(self, resume_from_checkpoint=None, *args, **kwargs):
        """`resume_from_checkpoint=True` resumes from the latest complete checkpoint (model, trainer and shaper
        state all written), skipping any a crash left half-written."""
        if resume_from_checkpoint is True:
            resume_from_checkpoint = latest_complete_checkpoint(self.args.output_dir)
        return super().train(resume_from_checkpoint, *args, **kwargs)

    def _save_checkpoint(self, model, trial):
        """The shaper's state first (atomically), then TRL's checkpoint, whose trainer_state.json, written last,
        marks it complete."""
        if self.args.should_save:
            folder = os.path.join(self._get_output_dir(trial=trial), f"checkpoint-{self.state.global_step}")
            os.makedirs(folder, exist_ok=True)
            write_json_atomic(Path(folder) / SHAPER_STATE, self.shaper.state_dict())
        super()._save_checkpoint(model, trial)

    def _load_optimizer_and_scheduler(self, checkpoint):
        """On resume, restore the shaper's state with the optimizer's."""
        super()._load_optimizer_and_scheduler(checkpoint)
        if checkpoint is None:
            return
        path = os.path.join(checkpoint, SHAPER_STATE)
        if not os.path.isfile(path):
            raise InvalidInputError(f"{checkpoint} holds no {SHAPER_STATE}: it was not saved by semspace.",
                                    "Resume from a checkpoint of a ShapedGRPOTrainer run.")
        with open(path) as handle:
            self.shaper.load_state_dict(json.load(handle))


def latest_complete_checkpoint(output_dir) -> str:
    """The highest checkpoint-N in `output_dir` holding both trainer and shaper state; names those skipped."""
    folders = sorted((step, path) for path in Path(output_dir).glob("checkpoint-*")
                     if (step := checkpoint_step(path)) is not None and path.is_dir())
    for _, folder in reversed(folders):
        if (folder / TRAINER_STATE).is_file() and (folder / SHAPER_STATE).is_file():
            return str(folder)
        logger.warning("semspace: skipping %s: incomplete (no %s or %s), a save was interrupted", folder,
                       TRAINER_STATE, SHAPER_STATE)
    raise InvalidInputError(f"{output_dir} holds no complete checkpoint to resume from.",
                            "Drop --resume to start again, or lower --save-steps next time.")
