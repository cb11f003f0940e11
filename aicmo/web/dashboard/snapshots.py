"""Figures the dashboard shows, computed once and shared while they stay true enough.

A campaign page on a million attempts takes a second or more of database work; a sales lead reloading it, or four
people opening it on Monday morning, should not each pay for it. A snapshot is reused while the data version (the
newest row of every counted table) is unchanged and it is younger than `seconds`, so new sends, events, replies and
outcomes show at once and changes made in place (a task marked done, a lead regraded) within `seconds`. A change
made through the dashboard clears every snapshot. The page says when its figures were computed.
"""

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Clock = Callable[[], float]


@dataclass(frozen=True)
class Snapshot:
    value: Any
    version: Hashable
    taken: float  # by the monotonic clock
    computed_at: datetime


class Snapshots:
    def __init__(self, seconds: float, clock: Clock = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._taken: dict[Hashable, Snapshot] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: Hashable, version: Hashable, compute: Callable[[], Any]) -> Snapshot:
        """The snapshot for `key` at `version`; computed by one caller while the others wait for it."""
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            held = self._taken.get(key)
            if held is not None and held.version == version and self.clock() - held.taken < self.seconds:
                return held
            value = compute()
            snapshot = Snapshot(value, version, self.clock(), datetime.now(UTC))
            if self.seconds > 0:
                self._taken[key] = snapshot
            return snapshot

    def clear(self) -> None:
        with self._guard:
            self._taken.clear()
