"""TRL's GRPOTrainer with an advantage shaper and a per-step log (DESIGN: train = GRPO + shaping + step rows)."""

from __future__ import annotations

import json
import os

import torch
from trl import GRPOTrainer

from semspace.data import grade
from semspace.errors import InvalidInputError
from semspace.shaping.verl import INDICATORS
from semspace.store import RunWriter
from semspace.train.signals import Signals, completion_signals
from semspace.train.steplog import RESPONSE_COLUMNS, finite_mean, step_prompt_id, step_row

SHAPER_STATE = "shaper_state.json"
CHECKPOINT_PREFIX = "checkpoint"


class ShapedGRPOTrainer(GRPOTrainer):
    """GRPO whose advantages pass through `shaper`; step rows go to `step_writer` at each checkpoint and at the end.

    The train dataset needs an `answer` column: completions are graded against it for the correct/incorrect split.
    """

    def __init__(self, *args, shaper, step_writer: RunWriter | None = None, stride: int = 40,
                 window: int | None = 512, global_stride: int = 20, **kwargs):
        super().__init__(*args, **kwargs)
        self.shaper, self.step_writer = shaper, step_writer
        self.stride, self.window, self.global_stride = stride, window, global_stride
        self.pending_rows: list[dict] = []
        self.last_signals: Signals | None = None

    def _generate_and_score_completions(self, inputs):
        """TRL's generation and advantages, then the shaper on the policy's own hidden states (training only)."""
        output = super()._generate_and_score_completions(inputs)
        if not self.model.training:
            return output
        policy = self.accelerator.unwrap_model(self.model)
        signals = completion_signals(policy, output["prompt_ids"], output["prompt_mask"], output["completion_ids"],
                                     output["completion_mask"], stride=self.stride, window=self.window)
        self.last_signals = signals
        responses = self._gather(self._response_table(inputs, signals))
        means = {k: finite_mean(responses[:, RESPONSE_COLUMNS.index(k)]) for k in INDICATORS}
        available = {"er": signals.er, "erv": signals.erv, "era": signals.era, "batch_means": means,
                     "token_entropy": signals.token_entropy, "completion_mask": output["completion_mask"]}
        output["advantages"] = self.shaper(output["advantages"], **{k: available[k] for k in self.shaper.requires})
        pooled = self._gather(torch.stack([h.double().mean(0) for h in signals.hidden]))
        if self.accelerator.is_main_process:
            step = self.state.global_step + 1
            self.pending_rows.append(step_row(step, responses, pooled, self.shaper.last_stats,
                                             global_stride=self.global_stride))
        return output

    def _response_table(self, inputs, signals: Signals) -> torch.Tensor:
        """(B, len(RESPONSE_COLUMNS)) float64: graded reward and correctness, length, entropy, ER, ERV, ERA."""
        texts = self.processing_class.batch_decode(signals.completion_ids, skip_special_tokens=True)
        rewards = torch.tensor([grade(text, x["answer"]).reward for text, x in zip(texts, inputs)],
                               dtype=torch.float64)
        columns = {"reward": rewards, "correct": (rewards > 0).double(), "length": signals.lengths,
                   "token_entropy": signals.mean_token_entropy, "er": signals.er, "erv": signals.erv,
                   "era": signals.era}
        return torch.stack([columns[name] for name in RESPONSE_COLUMNS], dim=1)

    def _gather(self, local: torch.Tensor) -> torch.Tensor:
        """The whole batch across processes (every process holds the same number of completions)."""
        return self.accelerator.gather(local.to(self.accelerator.device)).cpu()

    def _save_checkpoint(self, model, trial):
        """TRL's checkpoint plus the shaper's state; then the step rows up to this step go to the run."""
        super()._save_checkpoint(model, trial)
        if self.args.should_save:
            folder = os.path.join(self._get_output_dir(trial=trial), f"{CHECKPOINT_PREFIX}-{self.state.global_step}")
            with open(os.path.join(folder, SHAPER_STATE), "w") as handle:
                json.dump(self.shaper.state_dict(), handle)
        self.flush_step_rows()

    def _load_optimizer_and_scheduler(self, checkpoint):
        """On resume, restore the shaper's state with the optimizer's."""
        super()._load_optimizer_and_scheduler(checkpoint)
        if checkpoint is None:
            return
        path = os.path.join(checkpoint, SHAPER_STATE)
        if not os.path.isfile(path):
            raise InvalidInputError(f"{checkpoint} holds no {SHAPER_STATE}: it was not saved by semspace train.",
                                    "Resume from a checkpoint of a semspace train run.")
        with open(path) as handle:
            self.shaper.load_state_dict(json.load(handle))

    def flush_step_rows(self) -> None:
        """Write the buffered step rows as one shard; a step the run already holds keeps its first row."""
        if self.step_writer is None:
            return
        done = self.step_writer.done_prompt_ids
        rows = [row for row in self.pending_rows if step_prompt_id(row["step"]) not in done]
        if rows:
            self.step_writer.write_shard(rows)
        self.pending_rows = []

