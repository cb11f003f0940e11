"""A stored message through the engine now, instead of when a worker next looks: what `send` and the
ChannelSequencer use. The same Dispatcher decides, sends and records, so the outcome is the worker's."""

import random
from collections.abc import Awaitable, Callable, Mapping

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.engine.dispatch import Dispatcher
from aicmo.cam.outreach.channels import build_registry
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.sequences.rules import RetryPolicy
from aicmo.clock import Clock, SystemClock
from aicmo.db.unit_of_work import checkpoint
from aicmo.settings import Settings

Sleep = Callable[[float], Awaitable[None]]


async def deliver_now(sessions: sessionmaker[Session], message_id: str, registry: ChannelRegistry | None = None, *,
                      clock: Clock | None = None, settings: Settings,
                      policies: Mapping[Channel, RetryPolicy] | None = None,
                      rand: Callable[[], float] = random.random, retry_sleep: Sleep | None = None) -> MessageStatus:
    """Claim the pending message and take it as far as it goes now; return its status after.

    With `retry_sleep`, the backoff after a transient failure is slept here and the message taken again, until it
    ends or waits for something other than a retry (a rate limit, a send window), which the worker carries on.
    """
    owned = registry is None
    registry = registry or build_registry(sessions, settings)
    try:
        dispatcher = Dispatcher(sessions, registry, clock=clock or SystemClock(), settings=settings,
                                policies=policies, rand=rand)
        while True:
            tries_before = _claim(sessions, dispatcher, message_id)
            if tries_before is not None:
                await dispatcher.process(message_id)
            status, tries, backoff = _state(sessions, message_id)
            retrying = tries_before is not None and status is MessageStatus.PENDING and tries > tries_before
            if retry_sleep is None or not retrying or backoff is None:
                return status
            await retry_sleep(backoff)
    finally:
        if owned:
            await registry.aclose()


def _claim(sessions: sessionmaker[Session], dispatcher: Dispatcher, message_id: str) -> int | None:
    """Lease the message if it is still pending, whenever it falls due; its tries on the current channel, or None."""
    now = dispatcher.clock.now()
    with sessions() as db:
        claimed = db.execute(update(OutreachMessageDB).where(
            OutreachMessageDB.id == message_id, OutreachMessageDB.status == MessageStatus.PENDING).values(
            status=MessageStatus.QUEUED, lease_owner=dispatcher.owner, queued_at=now,
            lease_expires_at=now + dispatcher.lease).returning(OutreachMessageDB.channel_attempts)).scalar()
        checkpoint(db)
    return claimed


def _state(sessions: sessionmaker[Session], message_id: str) -> tuple[MessageStatus, int, float | None]:
    """The message's status, its tries on the current channel, and the seconds it was rescheduled by."""
    with sessions() as db:
        message = db.get(OutreachMessageDB, message_id)
        if message is None:  # the lead was erased meanwhile, and its messages with it
            return MessageStatus.CANCELLED, 0, None
        due = message.next_attempt_at
        # A reschedule stamps the moment it was decided (updated_at) beside the time it chose.
        backoff = None if due is None else max(0.0, (due - message.updated_at).total_seconds())
        return message.status, message.channel_attempts, backoff
