"""Where "now" comes from: the wall clock, or a clock the tests and the accelerated demo move by hand."""

from datetime import datetime, timedelta
from typing import Protocol

from aicmo.db.base import utcnow


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return utcnow()


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def move_to(self, moment: datetime) -> None:
        self._now = max(self._now, moment)
