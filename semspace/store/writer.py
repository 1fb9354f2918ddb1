"""RunWriter: writes shards atomically and keeps the manifest current, so a killed run resumes exactly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pyarrow.parquet as pq

from semspace import __version__
from semspace.errors import CorruptShardError, InvalidInputError, RunExistsError
from semspace.store.lock import RunLock
from semspace.store.manifest import (
    BOOKKEEPING,
    MANIFEST,
    SHARDS,
    as_json,
    differing_keys,
    fragment_path,
    fragment_paths,
    now,
    read_manifest,
    shard_fields,
    write_json_atomic,
)
from semspace.store.schema import SCHEMA_VERSION, infer_schema, rows_to_table, with_base_columns, with_manifest
from semspace.store.shards import (
    SHARD_NAME,
    check_shard,
    describe_shard,
    read_prompt_ids,
    shard_name,
    shard_numbers,
    write_table_atomic,
)


class RunWriter:
    """Writes one process's shards of a run; process 0 also owns manifest.json.

    With several processes, construct process 0's writer first and wait (accelerate's `wait_for_everyone`)
    before the others construct theirs; likewise wait before process 0 calls `finish`.
    """

    def __init__(self, out, manifest: Mapping, *, resume: bool = False, process_index: int = 0,
                 num_processes: int = 1):
        reserved = sorted(set(manifest) & set(BOOKKEEPING))
        if reserved:
            raise InvalidInputError(f"Manifest keys {reserved} are written by semspace itself.",
                                    "Leave them out of the manifest passed to RunWriter.")
        if not 0 <= process_index < num_processes:
            raise InvalidInputError(f"process_index {process_index} is outside 0..{num_processes - 1}.",
                                    "Pass accelerate's process_index and num_processes.")
        self.run = Path(out)
        self.shards_dir = self.run / SHARDS
        self.process_index = process_index
        self.num_processes = num_processes
        self.done_prompt_ids: set[str] = set()
        self._manifest = {"semspace_version": __version__, "schema_version": SCHEMA_VERSION,
                          "status": "running", "created": now(), "updated": None, **as_json(dict(manifest))}
        self._shards: list[dict] = []
        self._schema = None
        self._lock = RunLock(self.run, process_index)
        try:
            if resume:
                self._resume()
            elif process_index == 0:
                self._create()
            else:
                self._join()
        except BaseException:
            self.close()
            raise
        self._next_number = max(shard_numbers(self.shards_dir, process_index), default=-1) + 1

    def close(self) -> None:
        """Let another writer take the run (the lock also goes when this process ends, however it ends)."""
        self._lock.release()

    def write_shard(self, rows: Sequence[Mapping]) -> Path:
        """Write rows holding whole prompts as the next shard, then record it in this process's manifest."""
        if not rows:
            raise InvalidInputError("write_shard got no rows.", "Pass the rows of one or more whole prompts.")
        if self._schema is None:
            self._schema = infer_schema(rows, metadata=shard_fields(self._manifest))
        table = rows_to_table(rows, self._schema)
        prompt_ids = set(table.column("prompt_id").to_pylist())
        repeated = sorted(prompt_ids & self.done_prompt_ids)
        if repeated:
            raise InvalidInputError(f"Prompts {repeated[:5]} are already in an earlier shard of {self.run}.",
                                    "Pass all samples of a prompt in one call; skip done_prompt_ids.")
        path = self.shards_dir / shard_name(self.process_index, self._next_number)
        write_table_atomic(table, path)
        self._shards.append(describe_shard(path, self.process_index))
        self._next_number += 1
        self.done_prompt_ids |= prompt_ids
        self._save()
        return path

    def finish(self) -> None:
        """Mark the run complete; process 0 merges every process's shard list into manifest.json."""
        if self.process_index != 0:
            self.close()
            return
        merged = read_manifest(self.run)
        write_json_atomic(self.run / MANIFEST, {**self._manifest, "status": "complete", "updated": now(),
                                                "shards": merged["shards"]})
        for fragment in fragment_paths(self.run):
            fragment.unlink()
        self.close()

    def _create(self) -> None:
        """Start a new run in an empty or missing folder; never touch one that holds anything."""
        self._refuse_if_not_empty()
        self._lock.acquire()
        self._refuse_if_not_empty()  # another writer may have started a run there before we took the lock
        self.shards_dir.mkdir(parents=True, exist_ok=True)
        self._save()

    def _refuse_if_not_empty(self) -> None:
        if self.run.exists() and any(path.name != self._lock.path.name for path in self.run.iterdir()):
            raise RunExistsError(f"{self.run} already holds a run (or other files).",
                                 "Pass --resume to continue it, or choose another --out.")

    def _join(self) -> None:
        """Join the run process 0 has just created, as process p > 0."""
        existing = self._existing("Construct process 0's RunWriter first, then wait_for_everyone().")
        if any(entry["process"] == self.process_index for entry in existing["shards"]) or \
                fragment_path(self.run, self.process_index).exists():
            raise RunExistsError(f"{self.run} already holds shards of process {self.process_index}.",
                                 "Pass --resume to continue the run, or choose another --out.")

    def _resume(self) -> None:
        """Pick up a run: keep intact shards, set broken ones aside, adopt shards written but not listed."""
        existing = self._existing("Drop --resume to start a new run there, or pass the folder of the run.")
        self._manifest["created"] = existing["created"]
        for stale in self.shards_dir.glob(f".part-{self.process_index:02d}-*.tmp"):
            stale.unlink()
        own = [entry for entry in existing["shards"] if entry["process"] == self.process_index]
        self._shards = [entry for entry in own if self._intact(entry)] + self._orphans(own)
        others = [entry for entry in existing["shards"] if entry["process"] != self.process_index]
        for entry in self._shards + others:
            self.done_prompt_ids |= self._prompt_ids_if_readable(self.shards_dir / entry["file"])
        if self._shards:
            first = pq.read_schema(self.shards_dir / self._shards[0]["file"])
            self._schema = with_manifest(with_base_columns(first), shard_fields(self._manifest))
        if self.process_index == 0:
            self._hand_back_other_shards(others)
        self._save()

    def _existing(self, fix: str) -> dict:
        """The run already in `out`, locked for this writer, refused unless its settings equal this writer's."""
        if not (self.run / MANIFEST).is_file():
            raise InvalidInputError(f"{self.run} holds no run to join (no {MANIFEST}).", fix)
        self._lock.acquire()
        existing = read_manifest(self.run)
        if existing["schema_version"] != SCHEMA_VERSION:
            raise InvalidInputError(
                f"The run in {self.run} was written with schema version {existing['schema_version']} (semspace "
                f"{existing.get('semspace_version', '?')}); this semspace writes schema version {SCHEMA_VERSION}.",
                "Finish it with a semspace release that writes that schema, or start a new --out.")
        differing = differing_keys(existing, self._manifest)
        if differing:
            raise InvalidInputError(f"The run in {self.run} was made with different settings: {differing}.",
                                    "Resume with the original settings, or use another --out for new ones.")
        return existing

    def _intact(self, entry: dict) -> bool:
        """Whether a listed shard checks out; a broken one is renamed *.corrupt so its prompts are redone."""
        path = self.shards_dir / entry["file"]
        try:
            check_shard(path, entry, check_hashes=True)
        except CorruptShardError:
            if path.exists():
                path.rename(path.with_name(path.name + ".corrupt"))
            return False
        return True

    def _orphans(self, listed: list[dict]) -> list[dict]:
        """Shards renamed into place by a writer killed before it updated the manifest: complete, so kept."""
        names = {entry["file"] for entry in listed}
        found = sorted(path for path in self.shards_dir.glob(f"part-{self.process_index:02d}-*.parquet")
                       if SHARD_NAME.fullmatch(path.name) and path.name not in names)
        return [describe_shard(path, self.process_index) for path in found]

    def _prompt_ids_if_readable(self, path: Path) -> set[str]:
        """A shard's prompts; another process's unreadable shard counts as not done (its owner redoes it)."""
        try:
            return read_prompt_ids(path)
        except (OSError, ValueError):
            return set()

    def _hand_back_other_shards(self, others: list[dict]) -> None:
        """On resume, process 0 moves other processes' shards from manifest.json back to their own lists."""
        for process in sorted({entry["process"] for entry in others}):
            listed = [entry for entry in others if entry["process"] == process]
            write_json_atomic(fragment_path(self.run, process), {"process": process, "shards": listed})

    def _save(self) -> None:
        """Atomically rewrite this process's shard list: manifest.json for process 0, else its fragment."""
        updated = now()
        if self.process_index == 0:
            write_json_atomic(self.run / MANIFEST,
                              {**self._manifest, "updated": updated, "shards": self._shards})
        else:
            write_json_atomic(fragment_path(self.run, self.process_index),
                              {"process": self.process_index, "updated": updated, "shards": self._shards})

    def __repr__(self) -> str:
        return (f"RunWriter({str(self.run)!r}, process {self.process_index}/{self.num_processes}, "
                f"{len(self._shards)} shards)")

