"""Load problems from a Hugging Face dataset that is already in the local cache."""

import hashlib
import json
import re

from ..errors import DataFileError
from .fields import map_records
from .problem import ProblemSet

DATASET_NAME = re.compile(r"[\w.-]+(/[\w.-]+)?(:[\w.-]+)?")


def looks_like_dataset_name(source: str) -> bool:
    """`org/name`, `name`, each optionally `:split`: what `datasets.load_dataset` accepts."""
    return DATASET_NAME.fullmatch(source) is not None


def not_found(source: str, reason: str) -> DataFileError:
    """The one error for a source that is neither a file here nor a dataset we can load offline."""
    return DataFileError(
        f"'{source}' is not a file here, and {reason}.",
        "Pass the path to a .jsonl file, 'arithmetic' for the built-in set, or download the dataset once "
        "with network (datasets.load_dataset) so it is cached.",
    )


def load_split(datasets, name: str, split: str | None):
    """The named split, else 'test' when there is one, else the first split."""
    loaded = datasets.load_dataset(name, split=split)
    if isinstance(loaded, datasets.DatasetDict):
        split = "test" if "test" in loaded else next(iter(loaded))
        loaded = loaded[split]
    return loaded, split


def read_dataset(source: str, *, question_field: str | None, answer_field: str | None) -> ProblemSet:
    """Problems from a cached HF dataset; the hash covers its records, as a file's covers its bytes."""
    try:
        import datasets
    except ImportError:
        raise not_found(source, "the `datasets` library is not installed to look it up on the Hub") from None
    name, _, split = source.partition(":")
    try:
        dataset, split = load_split(datasets, name, split or None)
    except Exception as error:  # datasets raises many types when offline or the name is unknown
        raise not_found(
            source, f"it is not available as a Hugging Face dataset ({type(error).__name__})"
        ) from None
    records = [dict(record) for record in dataset]
    if not records:
        raise DataFileError(f"Dataset '{source}' split '{split}' holds no problems.", "Choose another split.")
    stem = f"{name.replace('/', '_')}-{split}"
    problems, question_key, answer_key = map_records(
        records, name=source, stem=stem, source=name, question_field=question_field, answer_field=answer_field
    )
    return ProblemSet(problems, source, records_sha256(records), question_key, answer_key)


def records_sha256(records: list[dict]) -> str:
    """SHA-256 over the records as sorted-key JSON lines: pins a dataset's content as a file's hash pins its bytes."""
    digest = hashlib.sha256()
    for record in records:
        digest.update(json.dumps(record, sort_keys=True, default=str).encode())
        digest.update(b"\n")
    return digest.hexdigest()
