"""Which model: the embedded SmolLM2 default, the tiny test model, hub aliases and local folders; loading."""

from semspace._lazy import lazy_exports

_EXPORTS = {
    "DEFAULT_MODEL": "semspace.models.names",
    "list_models": "semspace.models.listing",
    "load_model": "semspace.models.load",
    "LoadedModel": "semspace.models.spec",
    "ModelSpec": "semspace.models.spec",
    "ModelStatus": "semspace.models.spec",
    "resolve_model": "semspace.models.resolve",
    "tiny_random": "semspace.models.load",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
