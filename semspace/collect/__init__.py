"""Sampling backends, the teacher-forced capture pass, and the prompt → row → shard pipeline."""

from semspace.collect.capture import Capture, capture
from semspace.collect.pipeline import (
    CollectConfig,
    CollectEvents,
    Engine,
    Progress,
    Timings,
    load_config_problems,
    open_engine,
    run_collect,
    run_settings,
)
from semspace.collect.sampling import Completion, HFSampler, SamplingSettings, VLLMSampler

__all__ = ["Capture", "CollectConfig", "CollectEvents", "Completion", "Engine", "HFSampler", "Progress",
           "SamplingSettings", "Timings", "VLLMSampler", "capture", "load_config_problems", "open_engine",
           "run_collect", "run_settings"]
