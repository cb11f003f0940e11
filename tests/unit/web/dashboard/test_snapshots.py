import threading
import time
from collections.abc import Callable

import pytest

from aicmo.web.dashboard.snapshots import Snapshots


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def counting() -> tuple[list[int], Callable[[], int]]:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)
    return calls, compute


def test_reuses_a_snapshot_while_the_version_holds_and_it_is_young() -> None:
    clock = Clock()
    snapshots = Snapshots(60, clock)
    calls, compute = counting()
    assert snapshots.get("page", (1, 2), compute).value == 1
    clock.now += 59
    assert snapshots.get("page", (1, 2), compute).value == 1
    assert len(calls) == 1


def test_counts_again_when_the_data_moved_on_and_shows_it_when_it_is_quick() -> None:
    snapshots = Snapshots(60, Clock())
    _calls, compute = counting()
    snapshots.get("page", (1, 2), compute)
    assert snapshots.get("page", (1, 3), compute).value == 2


def test_shows_the_last_figures_while_a_slow_count_runs_then_the_new_ones() -> None:
    snapshots = Snapshots(60, Clock(), wait=0.05)
    release = threading.Event()
    values = iter(["monday", "tuesday"])

    def slow() -> str:
        value = next(values)
        if value == "tuesday":
            release.wait(5)
        return value
    assert snapshots.get("page", (1,), slow).value == "monday"
    assert snapshots.get("page", (2,), slow).value == "monday"  # still counting: the last figures
    release.set()
    deadline = time.monotonic() + 5
    while snapshots.get("page", (2,), slow).value != "tuesday" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert snapshots.get("page", (2,), slow).value == "tuesday"


def test_waits_for_a_new_count_once_the_snapshot_is_older_than_its_bound() -> None:
    clock = Clock()
    snapshots = Snapshots(60, clock, wait=0)
    _calls, compute = counting()
    first = snapshots.get("page", (1,), compute)
    clock.now += 60
    second = snapshots.get("page", (1,), compute)
    assert (first.value, second.value) == (1, 2)
    assert second.computed_at >= first.computed_at


def test_keys_do_not_share_snapshots_and_clear_forgets_them_all() -> None:
    snapshots = Snapshots(60, Clock())
    _calls, compute = counting()
    snapshots.get(("campaign", 1), (1,), compute)
    assert snapshots.get(("campaign", 2), (1,), compute).value == 2
    snapshots.clear()
    assert snapshots.get(("campaign", 1), (1,), compute).value == 3


def test_forgetting_one_key_counts_it_again_and_keeps_the_others() -> None:
    snapshots = Snapshots(60, Clock())
    _calls, compute = counting()
    snapshots.get(("campaign", 1), (1,), compute)
    snapshots.get(("campaign", 2), (1,), compute)
    snapshots.forget(("campaign", 1))
    assert snapshots.get(("campaign", 1), (1,), compute).value == 3
    assert snapshots.get(("campaign", 2), (1,), compute).value == 2


def test_zero_seconds_counts_every_time() -> None:
    snapshots = Snapshots(0, Clock())
    calls, compute = counting()
    snapshots.get("page", (1,), compute)
    snapshots.get("page", (1,), compute)
    assert len(calls) == 2


def test_a_failed_count_reaches_the_caller_and_the_next_one_counts_again() -> None:
    snapshots = Snapshots(60, Clock())
    attempts: list[int] = []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("database gone")
        return "figures"
    with pytest.raises(RuntimeError, match="database gone"):
        snapshots.get("page", (1,), flaky)
    assert snapshots.get("page", (1,), flaky).value == "figures"


def test_callers_arriving_together_wait_for_one_computation() -> None:
    snapshots = Snapshots(60)
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "figures"
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(snapshots.get("page", (1,), slow).value))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["figures"] * 4
    assert len(calls) == 1
