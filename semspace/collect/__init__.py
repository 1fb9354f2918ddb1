"""Sampling backends, the teacher-forced capture pass, and the prompt → row → shard pipeline."""

from semspace._lazy import lazy_exports

_EXPORTS = {
    "Capture": "semspace.collect.capture",
    "capture": "semspace.collect.capture",
    "CollectConfig": "semspace.collect.pipeline",
    "CollectEvents": "semspace.collect.pipeline",
    "Completion": "semspace.collect.sampling",
    "Engine": "semspace.collect.pipeline",
    "HFSampler": "semspace.collect.sampling",
    "load_config_problems": "semspace.collect.pipeline",
    "open_engine": "semspace.collect.pipeline",
    "Progress": "semspace.collect.pipeline",
    "run_collect": "semspace.collect.pipeline",
    "run_settings": "semspace.collect.pipeline",
    "SamplingSettings": "semspace.collect.sampling",
    "Timings": "semspace.collect.pipeline",
    "VLLMSampler": "semspace.collect.sampling",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
