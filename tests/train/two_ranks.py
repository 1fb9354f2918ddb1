"""Launched by test_two_processes under torchrun: two GRPO+VERL steps of tiny-random on 2 CPU processes, each rank
writing what its shaper saw (its local indicators, the batch means it was given) and its state after each step."""

import json
import sys
from pathlib import Path

from accelerate import PartialState

from semspace.train import TrainConfig
from semspace.train.run import build_trainer, end_processes


class Recording:
    """The trainer's shaper, with every call's inputs and the state it leaves recorded."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []

    def __call__(self, advantages, **signals):
        shaped = self.inner(advantages, **signals)
        self.calls.append({"er": signals["er"].tolist(), "erv": signals["erv"].tolist(),
                           "era": signals["era"].tolist(), "batch_means": signals["batch_means"],
                           "state": self.inner.state_dict()})
        return shaped

    def __getattr__(self, name):
        return getattr(self.inner, name)


def main(folder: Path) -> None:
    config = TrainConfig(out=folder / "run", model="tiny-random", dataset="arithmetic:8", shape="verl", max_steps=2,
                         max_completion_length=10, num_generations=2, batch_size=2, stride=2, window=None,
                         global_stride=1, save_steps=2, beta=0.0)
    trainer, _ = build_trainer(config)
    trainer.shaper = Recording(trainer.shaper)
    trainer.train()
    rank = PartialState().process_index
    (folder / f"rank-{rank}.json").write_text(json.dumps(trainer.shaper.calls))
    end_processes()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
