"""The shared benchmark files live next to the project, not inside it; tests skip when they are absent."""

from pathlib import Path

import pytest

SHARED_DATA = (Path(__file__).parents[2] / ".." / "shared" / "data").resolve()


@pytest.fixture
def shared_data() -> Path:
    """Folder of the real benchmark files (math500.jsonl, gsm8k.jsonl, ...)."""
    if not (SHARED_DATA / "math500.jsonl").is_file():
        pytest.skip(f"shared benchmark files not found at {SHARED_DATA}")
    return SHARED_DATA
