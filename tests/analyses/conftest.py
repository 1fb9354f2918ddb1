"""Shared synthetic runs (written once per module: they are read, never changed)."""

import pytest

from tests.analyses.synthetic import write_run


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return write_run(tmp_path_factory.mktemp("runs") / "a")


@pytest.fixture(scope="module")
def run_without_hidden(tmp_path_factory):
    return write_run(tmp_path_factory.mktemp("runs") / "plain", hidden=False, model="toy-b")
