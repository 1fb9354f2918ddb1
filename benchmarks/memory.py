"""Peak resident memory of a block of code, sampled by a thread (torch allocations bypass tracemalloc)."""

from __future__ import annotations

import resource
import threading
import time
from contextlib import contextmanager


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


@contextmanager
def peak_resident(interval: float = 0.001):
    """Yields a dict whose "bytes" holds the highest resident size seen while the block ran."""
    peak = {"bytes": resident_bytes()}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak["bytes"] = max(peak["bytes"], resident_bytes())
            time.sleep(interval)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()
