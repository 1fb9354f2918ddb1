"""One writer per run: each writing process holds an OS lock on a file in the run folder that names it.

The lock is `flock` on `.writer-<process>.lock`: the kernel drops it when its holder exits, however it exits, so a
killed writer never blocks the next one. The file says who holds it (host, pid, start time), for the refusal
message, and who held it last: a writer that finds the record of a holder that is gone takes over and says so.
Readers never take the lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import warnings
from pathlib import Path

from semspace.errors import RunLockedError
from semspace.store.manifest import now

LOCK_PATTERN = ".writer-*.lock"


def lock_path(run: Path, process: int) -> Path:
    """The lock file of writer process `process` of a run."""
    return Path(run) / f".writer-{process:02d}.lock"


class RunLock:
    """Held from acquire() until release() (or the end of the process)."""

    def __init__(self, run: Path, process: int = 0):
        self.path = lock_path(run, process)
        self._descriptor: int | None = None

    def probe(self) -> None:
        """Raise RunLockedError now if another process holds the lock (before a long model load, say); touches
        nothing. The lock is still taken later by acquire()."""
        if not self.path.is_file():
            return
        descriptor = os.open(self.path, os.O_RDWR)
        try:
            _lock_or_refuse(descriptor, self.path)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
        finally:
            os.close(descriptor)

    def acquire(self) -> None:
        """Take the lock at once, or raise RunLockedError naming the process that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock_or_refuse(descriptor, self.path)
        except RunLockedError:
            os.close(descriptor)
            raise
        previous = _read(descriptor)
        if previous:
            warnings.warn(f"semspace: taking over {self.path.parent} from {_describe(previous)}, which stopped "
                          "without releasing it (killed?).", stacklevel=3)
        _write(descriptor, {"host": socket.gethostname(), "pid": os.getpid(), "started": now(),
                            "command": " ".join(sys.argv)})
        self._descriptor = descriptor

    def release(self) -> None:
        """Empty the record (a clean end, not a crash) and let the lock go."""
        if self._descriptor is None:
            return
        os.ftruncate(self._descriptor, 0)
        fcntl.flock(self._descriptor, fcntl.LOCK_UN)
        os.close(self._descriptor)
        self._descriptor = None


def _lock_or_refuse(descriptor: int, path: Path) -> None:
    """flock the open lock file without waiting, or raise RunLockedError naming its holder."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise RunLockedError(f"{path.parent} is being written by {_describe(_read(descriptor))}.",
                             "Wait for that run to finish or stop it; two writers would overwrite each other's "
                             "shards.") from None


def _read(descriptor: int) -> dict:
    """The holder record in the lock file ({} when empty or unreadable)."""
    os.lseek(descriptor, 0, os.SEEK_SET)
    text = os.read(descriptor, 65536).decode(errors="replace").strip()
    try:
        return json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {}


def _write(descriptor: int, record: dict) -> None:
    os.ftruncate(descriptor, 0)
    os.lseek(descriptor, 0, os.SEEK_SET)
    os.write(descriptor, (json.dumps(record) + "\n").encode())
    os.fsync(descriptor)


def _describe(holder: dict) -> str:
    """'process 1234 on host h (since 2026-12-04T10:00:00+00:00)', or what is known of it."""
    if not holder:
        return "another process"
    return f"process {holder.get('pid', '?')} on host {holder.get('host', '?')} (since {holder.get('started', '?')})"
