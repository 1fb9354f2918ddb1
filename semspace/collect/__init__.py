"""Sampling backends, the teacher-forced capture pass, and the prompt → row → shard pipeline."""

from semspace._lazy import lazy_exports

_EXPORTS = {
    "Capture": "semspace.collect.teacher_forced",
    "capture": "semspace.collect.teacher_forced",
    "CollectConfig": "semspace.collect.pipeline",
    "CollectEvents": "semspace.collect.pipeline",
    "Completion": "semspace.collect.sampling",
    "Engine": "semspace.collect.engine",
    "HFCapturer": "semspace.collect.teacher_forced",
    "HFSampler": "semspace.collect.sampling",
    "load_config_problems": "semspace.collect.pipeline",
    "ModelFacts": "semspace.collect.engine",
    "open_engine": "semspace.collect.engine",
    "Progress": "semspace.collect.pipeline",
    "run_collect": "semspace.collect.pipeline",
    "run_settings": "semspace.collect.pipeline",
    "SamplingSettings": "semspace.collect.sampling",
    "Timings": "semspace.collect.pipeline",
    "VLLMCapturer": "semspace.collect.vllm_backend",
    "VLLMSampler": "semspace.collect.vllm_backend",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
