"""Sampling backends, the teacher-forced capture pass, and the prompt → row → shard pipeline."""

from semspace.collect.capture import Capture, capture
from semspace.collect.pipeline import CollectConfig, Progress, run_collect
from semspace.collect.sampling import Completion, HFSampler, SamplingSettings, VLLMSampler

__all__ = ["Capture", "CollectConfig", "Completion", "HFSampler", "Progress", "SamplingSettings", "VLLMSampler",
           "capture", "run_collect"]
