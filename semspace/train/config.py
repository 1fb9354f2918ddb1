"""The settings of a training run: defaults, overlaid by a YAML file, overlaid by what the command line names."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import yaml

from semspace.errors import InvalidInputError
from semspace.metrics.placement import check_device
from semspace.models import DEFAULT_MODEL
from semspace.shaping.options import SHAPER_OPTIONS, ShaperOptions, check_verl_can_fire, shaper_options

# Settings that say where, whether and on what to continue, not what the run is: left out of the manifest.
NOT_RUN_SETTINGS = ("out", "resume", "metrics_device")
VLLM_MODES = ("colocate", "server")


@dataclass
class TrainConfig(ShaperOptions):
    """One GRPO run: model, prompts, shaper (and its options), GRPO settings (defaults: the paper's where it has
    one)."""

    out: Path
    model: str = DEFAULT_MODEL
    dataset: str = "arithmetic"
    template: str = "chat"
    dtype: str = "float32"
    shape: str = "none"
    stride: int = 40
    window: int | None = 512
    global_stride: int = 20
    metrics_device: str = "auto"
    num_generations: int = 4
    num_iterations: int = 1
    batch_size: int = 2
    learning_rate: float = 5e-7
    max_steps: int = 100
    max_completion_length: int = 1536
    temperature: float = 1.0
    beta: float = 0.001
    save_steps: int = 50
    seed: int = 0
    use_vllm: bool = False
    vllm_mode: str = "colocate"
    report_to: str = "none"
    resume: bool = False

    def shaper_options(self) -> dict:
        """The shaper arguments set in this config, under the shaper's own names."""
        return shaper_options(self.shape, {key: getattr(self, key) for key in SHAPER_OPTIONS}, flag=cli_flag)

    def run_settings(self) -> dict:
        """What makes two runs the same run (the manifest's `training` entry)."""
        return {key: value for key, value in dataclasses.asdict(self).items() if key not in NOT_RUN_SETTINGS}


def read_config_file(path: Path) -> dict:
    """The mapping in a YAML file; keys may be written with dashes, as on the command line."""
    try:
        data = yaml.safe_load(Path(path).read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise InvalidInputError(f"Cannot read config {path}: {error}.", "Pass a readable YAML file.") from error
    if not isinstance(data, dict):
        raise InvalidInputError(f"Config {path} is not a mapping of option: value.", "Write one option per line.")
    return {str(key).replace("-", "_"): value for key, value in data.items()}


def build_config(file_values: dict, given: dict) -> TrainConfig:
    """Defaults < config file < options given on the command line (those not None); unknown keys are errors."""
    names = {field.name for field in dataclasses.fields(TrainConfig)}
    unknown = sorted(set(file_values) - names)
    if unknown:
        raise InvalidInputError(f"Unknown config key(s): {', '.join(unknown)}.",
                                "Use the option names of `semspace train --help` (dashes or underscores).")
    merged = {**file_values, **{key: value for key, value in given.items() if value is not None}}
    if "out" not in merged:
        raise InvalidInputError("No output folder given.", "Pass --out or set `out:` in the config file.")
    merged["out"] = Path(merged["out"])
    if merged.get("window") == 0:
        merged["window"] = None
    if merged.get("vllm_mode", "colocate") not in VLLM_MODES:
        raise InvalidInputError(f"--vllm-mode must be one of {VLLM_MODES}.", "Use colocate or server.")
    config = TrainConfig(**merged)
    check_positive(config)
    check_device(config.metrics_device)
    check_verl_can_fire(shape=config.shape, mode=config.verl_mode, stride=config.stride, window=config.window,
                        max_length=config.max_completion_length, flag=cli_flag, length_option="--max-completion-length")
    return config


def cli_flag(setting: str) -> str:
    """How the command line spells a setting: `verl_mode` -> `--verl-mode`."""
    return "--" + setting.replace("_", "-")


def check_positive(config: TrainConfig) -> None:
    """Refuse counts below 1 before a model is loaded, not at the first step's metrics."""
    names = ("stride", "global_stride", "num_generations", "num_iterations", "batch_size", "max_steps",
             "max_completion_length", "save_steps")
    bad = [name for name in names if getattr(config, name) < 1] + (["window"] if (config.window or 1) < 1 else [])
    if bad:
        options = ", ".join("--" + name.replace("_", "-") for name in bad)
        raise InvalidInputError(f"{options} must be at least 1.", "Pass a positive value (--window 0 means none).")

