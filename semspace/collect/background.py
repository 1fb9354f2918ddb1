"""A bounded background stage: work on batch i runs on one worker thread while the caller prepares batch i+1.

Work runs in submission order, so rows and shards come out in the order an in-line run would write them. At most
`depth` batches are in flight (the one being worked on and the ones waiting), so memory stays flat; the caller
waits only when that many are. The first error stops the stage: batches behind it are skipped, never written out
of order, and the error is raised in the caller's thread at its next submit or at drain.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class BackgroundStage:
    """Runs work(item) for each submitted item, in order, on one worker thread."""

    def __init__(self, work: Callable[[object], None], depth: int = 2):
        self._work = work
        self._slots = threading.Semaphore(depth)
        self._failed = threading.Event()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="semspace-background")
        self._futures: deque[Future] = deque()
        self.waited = 0.0  # seconds the caller spent waiting for a free slot

    def submit(self, item) -> None:
        """Queue `item`; waits while `depth` items are in flight; raises the stage's first error, if any."""
        self._raise_finished_errors()
        started = time.perf_counter()
        self._slots.acquire()
        self.waited += time.perf_counter() - started
        if self._failed.is_set():
            self._slots.release()
            self.drain()
        self._futures.append(self._executor.submit(self._run, item))

    def drain(self) -> None:
        """Wait for every queued item; raise the first error."""
        while self._futures:
            self._futures.popleft().result()

    def close(self) -> None:
        """Stop the worker: queued items that have not started are dropped."""
        self._failed.set()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> BackgroundStage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _run(self, item) -> None:
        try:
            if not self._failed.is_set():
                self._work(item)
        except BaseException:
            self._failed.set()
            raise
        finally:
            self._slots.release()

    def _raise_finished_errors(self) -> None:
        while self._futures and self._futures[0].done():
            self._futures.popleft().result()
