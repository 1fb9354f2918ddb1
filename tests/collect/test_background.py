"""The background stage: order kept, at most `depth` in flight, the first error raised in the caller, nothing after
it done."""

import threading
import time

import pytest

from semspace.collect.background import BackgroundStage
from semspace.errors import InvalidInputError


def test_items_are_worked_in_submission_order():
    done = []
    with BackgroundStage(lambda item: (time.sleep(0.001 * (item % 3)), done.append(item)), depth=2) as stage:
        for item in range(20):
            stage.submit(item)
        stage.drain()
    assert done == list(range(20))


def test_the_caller_waits_while_depth_items_are_in_flight():
    release, started = threading.Event(), []

    def work(item):
        started.append(item)
        release.wait(5)

    with BackgroundStage(work, depth=2) as stage:
        stage.submit(0)
        stage.submit(1)
        submitter = threading.Thread(target=stage.submit, args=(2,))
        submitter.start()
        time.sleep(0.2)
        assert submitter.is_alive(), "a third item waits for a free slot"
        release.set()
        submitter.join(5)
        stage.drain()
    assert started == [0, 1, 2] and stage.waited > 0.1


def test_the_first_error_reaches_the_caller_and_later_items_are_skipped():
    done = []

    def work(item):
        if item == 1:
            raise InvalidInputError("Hidden states of p1 contain NaN or inf.", "Check the dtype.")
        time.sleep(0.05)
        done.append(item)

    with pytest.raises(InvalidInputError, match="p1 contain NaN"), BackgroundStage(work, depth=2) as stage:
        for item in range(6):
            stage.submit(item)
        stage.drain()
    assert done == [0], "nothing after the failed item is worked"
