"""run_demo: six stages on the embedded model, each kept when the demo runs again (an interrupted training run
resumes from its checkpoint, an interrupted collect or eval continues)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from semspace.analyses import correlate, load_runs
from semspace.collect import CollectConfig, SamplingSettings, run_collect
from semspace.errors import RunExistsError
from semspace.evaluate import EvalConfig, run_eval
from semspace.figures import make_figures, write_report
from semspace.layout import CHECKPOINTS, RESULTS
from semspace.models.names import DEFAULT_MODEL
from semspace.store import read_manifest
from semspace.store.manifest import MANIFEST

PAPER_PAIRS = (("response_entropy", "mean_logprob"), ("er", "erv"))
PAPER_PAIRS_NOTE = ("The paper (DeepSeek-R1-Distill-Qwen-7B, responses up to thousands of tokens): response entropy vs "
                    "mean log-prob r = -0.61 (R² = 0.37); ER vs ERV r = -0.06. Here every response is shorter than "
                    "the 512-token window, so ERV sees exactly the tokens ER sees; separate the effects with "
                    "`semspace correlate RUN --metric er erv --by length --control n_tokens`.")
SHAPES = {"none": "GRPO", "verl": "GRPO+VERL"}
# Level-1 sums: the 135M model gets about a third right, so GRPO groups have both rewards to learn from.
TRAIN_SET, EVAL_SET, EVAL_SEED = "arithmetic:64:1", "arithmetic:{problems}:1", 1
TRAINING = dict(num_generations=4, batch_size=2, max_completion_length=48, stride=8, global_stride=2,
                learning_rate=2e-5)
# Checkpoints hold float32 weights; the base model and they are evaluated alike (bf16 would round a few small
# updates away and make the comparison one of dtypes).
EVAL_DTYPE, EVAL_SAMPLES = "float32", 4
# Prompts per generate call: on a 2-core CPU, 8 prompts x 8 samples sample about 12% more tokens a second than 4 x 8;
# an eval's 16 problems x 4 samples go in one call.
COLLECT_BATCH, EVAL_BATCH = 8, 16
CAN_AND_CANNOT = """\
**Can.** Every number here is computed exactly as on a 7B model: the same teacher-forced pass, the same ER, ERV and
ERA (exact to 1e-6 against a float64 SVD), the same GRPO trainer with the same VERL shaper, the same pass@k
estimator and figures. The chain shows that the pieces fit: hidden states are captured, shaped advantages reach
TRL's loss (the bonus fraction is above zero once the EMA baselines exist), and checkpoints evaluate.

**Cannot.** {model} answering two-number sums in at most {tokens} tokens is not the paper's setting (7B models,
MATH level 3-5, responses of hundreds to thousands of tokens, 160 steps of 48 prompts x 4 samples). So:
- Responses are shorter than the 512-token ERV window, so ERV sees the same tokens ER does, and ER vs ERV is
  strongly coupled here; the paper's near-zero ER-ERV correlation is a property of long responses.
- {steps} training steps of {completions} completions each cannot show a reward trend, nor a difference between
  GRPO and GRPO+VERL: per-step reward is noise at this size. Differences in the pass@k table are within the
  sampling noise of {problems} problems x {samples} samples; read them as a smoke test, not as evidence for or
  against VERL. The eval problems are a fresh draw (seed {seed}) from the 400 level-1 sums, so about one in six
  also appears among the {train_problems} training problems.
- Dataset-level ER of a batch of {completions} responses and its cumulative velocity (stride {global_stride} here,
  20 in the paper) are defined but say little.
To test the paper's claims, run the same commands with `--model Qwen2.5-7B` on a GPU (see the README)."""


@dataclass(frozen=True)
class DemoSettings:
    """The sizes of the demo (what `semspace demo` takes as options)."""

    out: Path = Path("runs/demo")
    prompts: int = 16
    n: int = 8
    max_new_tokens: int = 128
    train_steps: int = 6
    eval_problems: int = 16
    model: str = DEFAULT_MODEL


class DemoDisplay:
    """How the demo shows itself as it goes; the defaults run quietly (the CLI shows bars and tables)."""

    def stage(self, number: int, what: str, elapsed: str) -> None:
        """Stage `number` of 6 begins."""

    def kept(self, folder: Path, what: str) -> None:
        """A stage finished before (`what`: "run" or "eval") is kept."""

    def collect(self, config: CollectConfig) -> Path:
        """Run a collect (the CLI wraps it in a progress bar)."""
        return run_collect(config)

    def evaluate(self, config: EvalConfig) -> dict:
        """Run an eval (the CLI wraps it in progress bars)."""
        return run_eval(config)

    def training_model(self, loaded) -> None:
        """A training run has loaded its model."""

    def collected(self, run: Path) -> None:
        """The collect run is complete."""

    def correlations(self, table: pd.DataFrame, note: str) -> None:
        """Fig. 1's pairs on the collect run, with what the paper found."""


class Clock:
    """Time since the demo began, as minutes and seconds."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def elapsed(self) -> str:
        seconds = time.perf_counter() - self.started
        return f"{seconds // 60:.0f} min {seconds % 60:02.0f} s"


def run_demo(settings: DemoSettings, display: DemoDisplay | None = None) -> Path:
    """Run (or continue) every stage into settings.out; returns the report's path."""
    display, clock, out = display or DemoDisplay(), Clock(), settings.out
    display.stage(1, f"collect: {settings.prompts} problems x {settings.n} samples, ER/ERV/ERA and token baselines "
                     "per response", clock.elapsed())
    collect_run = stage_collect(settings, display)
    display.stage(2, "correlate: Fig. 1's pairs", clock.elapsed())
    display.correlations(paper_pairs(collect_run), PAPER_PAIRS_NOTE)
    trained = {}
    for shape in SHAPES:
        display.stage(3, f"train --shape {shape}: {settings.train_steps} GRPO steps of 2 problems x 4 completions",
                      clock.elapsed())
        trained[shape] = stage_train(settings, shape, display)
    evals = {}
    for label, model, folder in [("base", settings.model, out / "eval-base"), *(
            (SHAPES[shape], str(run / CHECKPOINTS / f"checkpoint-{settings.train_steps}"), out / f"eval-{shape}")
            for shape, run in trained.items())]:
        display.stage(4 if label == "base" else 5,
                      f"eval {model}: {settings.eval_problems} fresh level-1 problems x {EVAL_SAMPLES} samples",
                      clock.elapsed())
        evals[label] = stage_eval(settings, model, folder, display)
    display.stage(6, "figures and report", clock.elapsed())
    labels = {run: SHAPES[shape] for shape, run in trained.items()} | {path: name for name, path in evals.items()}
    figure_set = make_figures([collect_run, *trained.values(), *evals.values()], out / "figures", labels=labels,
                              smooth=2, paper=True)
    return write_report(figure_set, title=f"semspace demo: {settings.model} on built-in arithmetic", out_dir=out,
                        sections=[("What a 135M model on CPU can and cannot show", can_and_cannot(settings))])


def stage_collect(settings: DemoSettings, display: DemoDisplay) -> Path:
    """Stage 1: sample and measure responses (stride 1, as the paper's analysis); a run there is continued."""
    run = settings.out / "collect"
    config = CollectConfig(out=run, model=settings.model, dataset=f"arithmetic:{settings.prompts}",
                           batch_size=COLLECT_BATCH,
                           sampling=SamplingSettings(n=settings.n, max_new_tokens=settings.max_new_tokens),
                           resume=(run / MANIFEST).is_file())
    display.collect(config)
    display.collected(run)
    return run


def paper_pairs(run: Path) -> pd.DataFrame:
    """Fig. 1(a)/(b)'s pairs: token-level exploration vs exploitation, and ER vs ERV."""
    frame = load_runs([run])
    return pd.concat([correlate(frame, x, y, methods=("pearson", "spearman")) for x, y in PAPER_PAIRS])


def stage_train(settings: DemoSettings, shape: str, display: DemoDisplay) -> Path:
    """Stage 3: a short GRPO run; a finished one is kept, an interrupted one resumes from its checkpoint."""
    from semspace.train import TrainConfig, run_training

    run = settings.out / f"train-{shape}"
    status = read_manifest(run)["status"] if (run / MANIFEST).is_file() else None
    if status == "complete":
        display.kept(run, "run")
        return run
    if status is not None and not list((run / CHECKPOINTS).glob("checkpoint-*")):
        raise RunExistsError(f"{run} holds a training run stopped before its first checkpoint.",
                             f"Delete {run} and run the demo again; the other stages are kept.")
    config = TrainConfig(out=run, model=settings.model, dataset=TRAIN_SET, shape=shape,
                         max_steps=settings.train_steps, save_steps=max(1, settings.train_steps // 2),
                         resume=status is not None, **TRAINING)
    return run_training(config, on_load=display.training_model)


def stage_eval(settings: DemoSettings, model: str, folder: Path, display: DemoDisplay) -> Path:
    """Stages 4-5: pass@1, 2, 4 on a fresh draw of level-1 sums at the paper's evaluation temperature and top-p."""
    if (folder / RESULTS).is_file():
        display.kept(folder, "eval")
        return folder
    config = EvalConfig(out=folder, model=model, benchmarks=(EVAL_SET.format(problems=settings.eval_problems),),
                        n=EVAL_SAMPLES, max_new_tokens=TRAINING["max_completion_length"], seed=EVAL_SEED,
                        dtype=EVAL_DTYPE, batch_size=EVAL_BATCH, resume=folder.is_dir() and any(folder.iterdir()))
    display.evaluate(config)
    return folder


def can_and_cannot(settings: DemoSettings) -> str:
    """The report's plain statement of what this demo's sizes can show, filled in with those sizes."""
    return CAN_AND_CANNOT.format(
        model=settings.model, tokens=TRAINING["max_completion_length"], steps=settings.train_steps,
        completions=TRAINING["num_generations"] * TRAINING["batch_size"], problems=settings.eval_problems,
        samples=EVAL_SAMPLES, seed=EVAL_SEED, train_problems=TRAIN_SET.split(":")[1],
        global_stride=TRAINING["global_stride"])
