"""The worker as `aicmo worker` runs it, in a background thread with its own event loop, for a browser test."""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.outreach.email.channel import EmailOutreachService
from aicmo.cam.outreach.linkedin.channel import LinkedInOutreachService
from aicmo.cam.outreach.linkedin.tasks import TaskProvider
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.worker.loop import Worker
from aicmo.settings import Settings

STOP_LIMIT = 30.0  # seconds; a bound on waiting for the worker to drain, not something measured


def channels(sessions: sessionmaker[Session], settings: Settings) -> ChannelRegistry:
    """Email from the stored mailboxes and LinkedIn as operator tasks, as an installation wires them."""
    registry = ChannelRegistry([LinkedInOutreachService(sessions, TaskProvider())])
    email = EmailOutreachService.from_db(sessions, settings=settings)
    if email.mailboxes:
        registry.register(email)
    return registry


@contextmanager
def worker_in_thread(sessions: sessionmaker[Session], settings: Settings) -> Iterator[Worker]:
    """A worker delivering whatever falls due until the block ends; then it drains and stops."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    box: dict[str, Worker] = {}

    async def run() -> None:
        registry = channels(sessions, settings)
        box["worker"] = worker = Worker(sessions, registry, poll_seconds=0.2, settings=settings)
        started.set()
        try:
            await worker.run()
        finally:
            await registry.aclose()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), name="worker", daemon=True)
    thread.start()
    if not started.wait(STOP_LIMIT):
        raise RuntimeError("the worker did not start")
    try:
        yield box["worker"]
    finally:
        loop.call_soon_threadsafe(box["worker"].stop)
        thread.join(STOP_LIMIT)
        loop.close()
