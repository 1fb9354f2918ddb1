"""Sampling backends, the teacher-forced capture pass, and the prompt → row → shard pipeline."""

from semspace.collect.capture import Capture, HFCapturer, capture
from semspace.collect.engine import Engine, ModelFacts, open_engine
from semspace.collect.pipeline import (
    CollectConfig,
    Progress,
    load_config_problems,
    run_collect,
    run_settings,
)
from semspace.collect.sampling import Completion, HFSampler, SamplingSettings
from semspace.collect.vllm_backend import VLLMCapturer, VLLMSampler

__all__ = ["Capture", "CollectConfig", "Completion", "Engine", "HFCapturer", "HFSampler", "ModelFacts", "Progress",
           "SamplingSettings", "VLLMCapturer", "VLLMSampler", "capture", "load_config_problems", "open_engine",
           "run_collect", "run_settings"]
