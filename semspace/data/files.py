"""Read a local JSON Lines (or JSON list) benchmark file into a ProblemSet."""

import hashlib
import json
from pathlib import Path

from ..errors import DataFileError
from .fields import map_records
from .problem import ProblemSet


def parse_records(text: str, name: str) -> list[dict]:
    """Records from a JSON list or from JSON Lines; a bad line is reported by its number."""
    if text.lstrip().startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as error:
            raise DataFileError(
                f"{name}: invalid JSON at line {error.lineno}: {error.msg}.", "Fix the file at that line."
            ) from None
        labels = [f"entry {index}" for index in range(1, len(records) + 1)]
    else:
        records, labels = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise DataFileError(
                    f"{name}: line {number} is not valid JSON ({error.msg}).",
                    "Fix or delete that line; each line must hold one JSON object.",
                ) from None
            labels.append(f"line {number}")
    for label, record in zip(labels, records, strict=True):
        if not isinstance(record, dict):
            raise DataFileError(
                f"{name}: {label} is a {type(record).__name__}, not a JSON object.",
                'Each problem must be an object such as {"problem": ..., "answer": ...}.',
            )
    return records


def read_file(path: Path, source: str, *, question_field: str | None, answer_field: str | None) -> ProblemSet:
    """Load every problem of a file; the hash covers the file bytes, so a manifest pins the exact data."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataFileError(
            f"Cannot read {path}: {error.strerror}.", "Check the path and permissions."
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataFileError(f"{path} is not UTF-8 text.", "Save it as UTF-8 JSON Lines.") from None
    records = parse_records(text, path.name)
    if not records:
        raise DataFileError(
            f"{path} holds no problems.", "Point --dataset at a file with one JSON object a line."
        )
    problems, question_key, answer_key = map_records(
        records,
        name=path.name,
        stem=path.stem,
        source=path.stem,
        question_field=question_field,
        answer_field=answer_field,
    )
    return ProblemSet(problems, source, hashlib.sha256(data).hexdigest(), question_key, answer_key)
