"""The worker's webhook rounds: every couple of seconds, beside the sends, one round at a time."""

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

import httpx
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.webhooks.delivery import any_due, deliver_due, new_client
from aicmo.cam.webhooks.service import prune_deliveries
from aicmo.clock import Clock, SystemClock
from aicmo.db.unit_of_work import checkpoint
from aicmo.settings import Settings

log = logging.getLogger("aicmo.webhooks")
INTERVAL_SECONDS = 2.0
PRUNE_EVERY = timedelta(hours=1)


class PeriodicDelivery:
    """Delivers due webhooks in a task of its own between `start` and `finish`, with at most one HTTP client,
    made when the first delivery is due (building one costs tens of milliseconds, and most runs have none)."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings, *, interval: float = INTERVAL_SECONDS,
                 clock: Clock | None = None) -> None:
        self.sessions, self.settings, self.interval = sessions, settings, interval
        self.clock = clock or SystemClock()
        self._client: httpx.AsyncClient | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._pruned_at: datetime | None = None

    def start(self) -> None:
        """Begin delivering (needs a running event loop)."""
        if self._task is not None:
            return
        self._stopping = asyncio.Event()
        self._task = asyncio.create_task(self._loop(), name="webhook-delivery")

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            await self._round()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)

    async def _round(self) -> int:
        try:
            now = self.clock.now()
            self.prune_if_due(now)
            with self.sessions() as db:
                if not any_due(db, now):
                    return 0
            if self._client is None:
                self._client = new_client(self.settings)
            return await deliver_due(self.sessions, now=now, client=self._client, settings=self.settings)
        except Exception:  # a failed round (database gone, bad settings) is logged; the next one tries again
            log.exception("webhook delivery round failed")
            return 0

    def prune_if_due(self, now: datetime) -> int:
        """At most once an hour, forget deliveries older than the retention; return how many."""
        days = self.settings.webhook_delivery_retention_days
        if not days or (self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY):
            return 0
        self._pruned_at = now
        with self.sessions() as db:
            pruned = prune_deliveries(db, older_than=timedelta(days=days), now=now)
            checkpoint(db)
        if pruned:
            log.info("webhook deliveries older than %d days pruned: %d", days, pruned)
        return pruned

    async def finish(self, *, flush: bool = False) -> None:
        """Let the round in flight end; with flush, deliver what is due now once more; then close the client."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        try:
            await task
            if flush:
                await self._round()
        finally:
            client, self._client = self._client, None
            if client is not None:
                await client.aclose()
