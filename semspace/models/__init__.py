"""Which model: the embedded SmolLM2 default, the tiny test model, hub aliases and local folders; loading."""

from semspace.models.listing import list_models
from semspace.models.load import load_model, tiny_random
from semspace.models.resolve import DEFAULT_MODEL, resolve_model
from semspace.models.spec import LoadedModel, ModelSpec, ModelStatus

__all__ = [
    "DEFAULT_MODEL",
    "LoadedModel",
    "ModelSpec",
    "ModelStatus",
    "list_models",
    "load_model",
    "resolve_model",
    "tiny_random",
]
