"""Registry benchmarks from the local Hugging Face cache, where `hf download` puts them; the Hub only when allowed.

The cache is found the way `huggingface_hub` finds it, but read when called (the library reads its environment
once at import, so a later HF_HUB_CACHE or HF_HUB_OFFLINE would otherwise be missed). A split's files come from
the dataset card's `configs` (or the registry's `files` for a card without them); Parquet, JSON Lines and JSON
files are read with pyarrow and the standard library, so neither `datasets` nor the network is needed.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import DataFileError
from .fields import map_records
from .files import parse_records
from .hub import records_sha256
from .problem import ProblemSet
from .registry import HubDataset, RegistryBenchmark, local_file

TRUE_VALUES = {"1", "ON", "YES", "TRUE"}
RECORD_SUFFIXES = (".parquet", ".jsonl", ".json")
CARD = "README.md"


def hub_offline() -> bool:
    """HF_HUB_OFFLINE as set now."""
    return os.environ.get("HF_HUB_OFFLINE", "").upper() in TRUE_VALUES


def hub_cache_dir() -> Path:
    """The Hugging Face Hub cache: HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return Path(os.environ.get("HF_HOME") or cache_home / "huggingface").expanduser() / "hub"


def cached_snapshot(hub: HubDataset) -> Path | None:
    """The complete cached snapshot of the dataset's main revision, or None; never touches the network."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        folder = snapshot_download(hub.repo_id, repo_type="dataset", cache_dir=hub_cache_dir(),
                                   local_files_only=True)
    except LocalEntryNotFoundError:  # also an incomplete snapshot (IncompleteSnapshotError)
        return None
    return Path(folder)


def snapshot(benchmark: RegistryBenchmark) -> Path:
    """The cached snapshot, downloaded first when it is missing and the Hub may be used."""
    hub = benchmark.hub
    folder = cached_snapshot(hub)
    if folder is not None:
        return folder
    if hub_offline():
        raise not_cached(benchmark, "HF_HUB_OFFLINE is set")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        return Path(snapshot_download(hub.repo_id, repo_type="dataset", cache_dir=hub_cache_dir()))
    except (HfHubHTTPError, LocalEntryNotFoundError, OSError) as error:
        raise not_cached(benchmark, f"downloading it failed ({type(error).__name__})") from None


def not_cached(benchmark: RegistryBenchmark, reason: str) -> DataFileError:
    """The one-line error for a registry benchmark that is not in the local cache and cannot be downloaded."""
    hub = benchmark.hub
    return DataFileError(
        f"Benchmark '{benchmark.name}' is the Hugging Face dataset {hub.repo_id} ({hub.describe()}), which is not "
        f"in the Hugging Face cache at {hub_cache_dir()}, and {reason}.",
        f"Fetch it once with network: `{hub.fetch_command()}` (then copy the cache here if this machine has no "
        f"network), or use a local file: eval reads {benchmark.name}.jsonl from --data-dir.",
    )


def card_configs(folder: Path) -> list:
    """The `configs` of the dataset card's YAML header; empty when the card has none."""
    card = folder / CARD
    if not card.is_file():
        return []
    text = card.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return []
    try:
        header = yaml.safe_load(text.split("---", 2)[1]) or {}
    except yaml.YAMLError as error:
        raise DataFileError(f"The dataset card {card} has an unreadable YAML header ({type(error).__name__}).",
                            "Fetch the dataset again, or use a local .jsonl file of the benchmark.") from None
    return (header.get("configs") or []) if isinstance(header, dict) else []


def split_patterns(data_files, split: str) -> list[str]:
    """The path patterns a card's `data_files` gives a split (a bare path or list means the train split)."""
    if isinstance(data_files, dict):
        entries = [{"split": name, "path": path} for name, path in data_files.items()]
    elif isinstance(data_files, str):
        entries = [{"path": data_files}]
    else:
        entries = [entry if isinstance(entry, dict) else {"path": entry} for entry in data_files]
    paths = [entry["path"] for entry in entries if entry.get("split", "train") == split]
    return [pattern for path in paths for pattern in ([path] if isinstance(path, str) else path)]


def split_files(hub: HubDataset, folder: Path) -> list[Path]:
    """The record files of the split in a snapshot, as the card (or, without card configs, the registry) says."""
    configs = card_configs(folder)
    if configs:
        config = next((entry for entry in configs if entry.get("config_name") == hub.config), None)
        if config is None:
            names = ", ".join(str(entry.get("config_name")) for entry in configs)
            raise DataFileError(f"{hub.repo_id}: its card has no configuration '{hub.config}' (it has: {names}).",
                                "The dataset changed on the Hub; use a local .jsonl file of the benchmark.")
        patterns = split_patterns(config.get("data_files", []), hub.split)
    else:
        patterns = list(hub.files)
    files = sorted({path for pattern in patterns for path in folder.glob(pattern)
                    if path.suffix in RECORD_SUFFIXES and path.is_file()})
    if not files:
        raise DataFileError(f"{hub.repo_id}: no file of split '{hub.split}' ({', '.join(patterns) or 'none'}) "
                            f"in {folder}.", f"Fetch it again: `{hub.fetch_command()}`.")
    return files


def read_records(path: Path) -> list[dict]:
    """The records of one Parquet, JSON Lines or JSON file; an unreadable file is a one-line error."""
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as parquet

            return parquet.read_table(path).to_pylist()
        return parse_records(path.read_text(encoding="utf-8-sig"), path.name)
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError; UnicodeDecodeError too
        raise DataFileError(f"Cannot read {path}: {str(error).splitlines()[0]}",
                            "The cached file is damaged: fetch the dataset again.") from None


def split_records(hub: HubDataset, folder: Path) -> tuple[list[dict], list[Path]]:
    """Every record of the split, in file order, narrowed by `keep_if_contains`; and the files read."""
    files = split_files(hub, folder)
    records = [record for path in files for record in read_records(path)]
    if hub.keep_if_contains:
        field, text = hub.keep_if_contains
        records = [record for record in records if text in str(record.get(field, ""))]
    return records, files


def check_fields(benchmark: RegistryBenchmark, records: list[dict], overrides: dict) -> None:
    """Refuse records that lack a field of the registry's map (the dataset changed), naming the fields they have."""
    hub = benchmark.hub
    if not records:
        raise DataFileError(f"{hub.repo_id} ({hub.describe()}) holds no records for '{benchmark.name}'.",
                            "The dataset changed on the Hub; use a local .jsonl file of the benchmark.")
    fields = list(records[0])
    for kind, field in (("question", hub.question_field), ("answer", hub.answer_field)):
        if overrides[kind] is None and field not in fields:
            raise DataFileError(
                f"{hub.repo_id} ({hub.describe()}): the registry's {kind} field '{field}' is not in its records "
                f"(they have: {', '.join(fields)}).",
                f"Pass --{kind}-field with one of those (collect), or use a local .jsonl file of the benchmark.")


def read_benchmark(benchmark: RegistryBenchmark, *, question_field: str | None,
                   answer_field: str | None) -> ProblemSet:
    """The problems of a registry benchmark from its cached Hub dataset; the manifest learns exactly what was read."""
    hub = benchmark.hub
    folder = snapshot(benchmark)
    records, files = split_records(hub, folder)
    check_fields(benchmark, records, {"question": question_field, "answer": answer_field})
    problems, question_key, answer_key = map_records(
        records, name=f"{hub.repo_id} ({hub.describe()})", stem=benchmark.name, source=benchmark.name,
        question_field=question_field or hub.question_field, answer_field=answer_field or hub.answer_field)
    origin = {"benchmark": benchmark.name, "hub_id": hub.repo_id, "config": hub.config, "split": hub.split,
              "revision": folder.name, "files": [path.relative_to(folder).as_posix() for path in files]}
    return ProblemSet(problems, benchmark.name, records_sha256(records), question_key, answer_key, origin)


@dataclass(frozen=True)
class BenchmarkStatus:
    """Whether a benchmark can be read here, from where, and how many problems that copy holds."""

    benchmark: RegistryBenchmark
    where: str
    problems: int | None
    available: bool


def benchmark_status(benchmark: RegistryBenchmark, data_dir: Path) -> BenchmarkStatus:
    """A NAME.jsonl in the data folder comes first (as in eval), then the cached Hub dataset; no network."""
    path = local_file(benchmark.name, data_dir)
    if path.is_file():
        records = parse_records(path.read_text(encoding="utf-8-sig"), path.name)
        return BenchmarkStatus(benchmark, f"file {path}", len(records), True)
    if benchmark.hub is None:
        return BenchmarkStatus(benchmark, "no (file only)", None, False)
    folder = cached_snapshot(benchmark.hub)
    if folder is None:
        return BenchmarkStatus(benchmark, "no", None, False)
    try:
        records, _ = split_records(benchmark.hub, folder)
    except DataFileError as error:
        return BenchmarkStatus(benchmark, f"cached, unreadable: {error.cause}", None, False)
    return BenchmarkStatus(benchmark, f"cached (revision {folder.name[:7]})", len(records), True)
