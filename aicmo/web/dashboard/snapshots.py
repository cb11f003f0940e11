"""Figures the dashboard shows, computed once and shared while they stay true enough.

A campaign page on a million attempts takes seconds of database work; a sales lead reloading it, or four people
opening it on Monday morning, should not each pay for it, and a campaign that is sending should not make every view
wait. A snapshot is reused while the data version (the newest row of every counted table) is unchanged and it is
younger than `seconds`. Once the data moved on, the figures are counted again in the background: a view waits
`wait` seconds for them and otherwise shows the last ones (never older than `seconds`), which the next view
replaces. Older than `seconds`, a view waits for the new count. A change made through the dashboard clears every
snapshot. The page says when its figures were counted.
"""

import logging
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as StillCounting
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Clock = Callable[[], float]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    value: Any
    version: Hashable
    taken: float  # by the monotonic clock
    computed_at: datetime


class Snapshots:
    def __init__(self, seconds: float, clock: Clock = time.monotonic, wait: float = 0.5) -> None:
        self.seconds = seconds
        self.clock = clock
        self.wait = wait
        self._taken: dict[Hashable, Snapshot] = {}
        self._counting: dict[Hashable, Future[Snapshot]] = {}
        self._guard = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dashboard-figures")

    def get(self, key: Hashable, version: Hashable, compute: Callable[[], Any]) -> Snapshot:
        """The snapshot for `key` at `version`. `compute` runs on another thread, so it opens its own session;
        callers arriving while it runs share its result."""
        with self._guard:
            held = self._taken.get(key)
            young = held is not None and self.clock() - held.taken < self.seconds
            if held is not None and young and held.version == version:
                return held
            counting = self._counting.get(key)
            if counting is None:
                counting = self._counting[key] = self._pool.submit(self._count, key, version, compute)
        if held is None or not young:
            return counting.result()
        try:
            return counting.result(timeout=self.wait)
        except StillCounting:
            return held

    def _count(self, key: Hashable, version: Hashable, compute: Callable[[], Any]) -> Snapshot:
        try:
            snapshot = Snapshot(compute(), version, self.clock(), datetime.now(UTC))
        except Exception:
            log.exception("counting the dashboard's figures for %s failed", key)
            raise
        finally:
            with self._guard:
                self._counting.pop(key, None)
        if self.seconds > 0:
            with self._guard:
                self._taken[key] = snapshot
        return snapshot

    def forget(self, key: Hashable) -> None:
        """The next view of `key` waits for a new count."""
        with self._guard:
            self._taken.pop(key, None)

    def clear(self) -> None:
        with self._guard:
            self._taken.clear()
