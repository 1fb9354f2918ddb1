"""HF dataset names: used when the dataset is cached, a clear error otherwise (no network in tests)."""

import sys

import pytest

from semspace.data import load_problems
from semspace.errors import DataFileError

datasets = pytest.importorskip("datasets")


@pytest.fixture
def fake_hub(monkeypatch):
    """A stand-in for the Hub cache holding one dataset with a train and a test split."""
    splits = datasets.DatasetDict(
        train=datasets.Dataset.from_list([{"question": "train q", "answer": "rationale\n#### 1,000"}]),
        test=datasets.Dataset.from_list(
            [{"question": "test q", "answer": "so\n#### 7"}, {"question": "test q2", "answer": "#### 8"}]
        ),
    )
    calls = []

    def load_dataset(name, split=None):
        calls.append((name, split))
        if name != "org/set":
            raise ConnectionError("offline")
        return splits if split is None else splits[split]

    monkeypatch.setattr(datasets, "load_dataset", load_dataset)
    return calls


def test_dataset_name_prefers_the_test_split(fake_hub):
    problem_set = load_problems("org/set")
    assert [(p.prompt_id, p.problem, p.answer) for p in problem_set.problems] == [
        ("org_set-test-00000", "test q", "7"),
        ("org_set-test-00001", "test q2", "8"),
    ]
    assert problem_set.source == "org/set"
    assert len(problem_set.sha256) == 64
    assert fake_hub == [("org/set", None)]


def test_dataset_name_with_split(fake_hub):
    problem_set = load_problems("org/set:train")
    assert [(p.problem, p.answer) for p in problem_set.problems] == [("train q", "1000")]
    assert fake_hub == [("org/set", "train")]


def test_unavailable_dataset_says_file_not_found(fake_hub):
    with pytest.raises(DataFileError) as caught:
        load_problems("org/missing")
    assert "not a file here" in caught.value.cause
    assert ".jsonl" in caught.value.fix


def test_without_datasets_library(monkeypatch):
    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(DataFileError, match="not installed"):
        load_problems("org/set")


def test_source_that_is_neither_file_nor_name():
    with pytest.raises(DataFileError, match="not a file here"):
        load_problems("no such thing?")
