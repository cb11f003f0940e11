"""The worker's webhook rounds: every couple of seconds, beside the sends, one round at a time."""

import asyncio
import contextlib
import logging

import httpx
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.webhooks.delivery import any_due, deliver_due, new_client
from aicmo.clock import Clock, SystemClock
from aicmo.settings import Settings

log = logging.getLogger("aicmo.webhooks")
INTERVAL_SECONDS = 2.0


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
            with self.sessions() as db:
                if not any_due(db, now):
                    return 0
            if self._client is None:
                self._client = new_client(self.settings)
            return await deliver_due(self.sessions, now=now, client=self._client, settings=self.settings)
        except Exception:  # a failed round (database gone, bad settings) is logged; the next one tries again
            log.exception("webhook delivery round failed")
            return 0

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
