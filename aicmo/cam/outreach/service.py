"""Outreach operator functions: send one message now, list and retry messages, history and channel metrics."""

import asyncio
import concurrent.futures
from collections.abc import Coroutine, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, ErrorKind, MessageStatus, SendStatus
from aicmo.cam.outreach.messages import MessageRead
from aicmo.cam.outreach.models import OutreachAttemptDB, OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.clock import Clock, SystemClock
from aicmo.db.base import utcnow
from aicmo.errors import LeadNotFound, MessageNotFound, MessageStateError

T = TypeVar("T")
REACHED = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.REPLIED)


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    message_id: str | None
    lead_id: int
    campaign_id: int | None
    channel: Channel
    status: SendStatus
    error_kind: ErrorKind | None
    detail: str | None
    target: str | None
    provider_message_id: str | None
    response_code: int | None
    duration_ms: float | None
    started_at: datetime


class ChannelMetrics(BaseModel):
    channel: Channel
    messages: int
    sent: int
    delivered: int
    replied: int
    bounced: int
    failed: int
    bounce_rate: float
    reply_rate: float


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from synchronous code, even when called from inside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def send_message(db: Session, lead_id: int, body: str, subject: str | None = None, *,
                 channels: Sequence[Channel] = messages.DEFAULT_CHANNEL_ORDER, mailbox: str | None = None,
                 deliver: bool = True, registry: ChannelRegistry | None = None, clock: Clock | None = None
                 ) -> MessageRead:
    """Store a message to one lead and, unless deliver=False, send it now through the channels in order,
    within the rate limits (a limit reached leaves it waiting for the worker)."""
    clock = clock or SystemClock()
    lead = db.get(LeadDB, lead_id)
    if lead is None:
        raise LeadNotFound(lead_id)
    message = messages.create(db, lead_id=lead_id, body=body, subject=subject, now=clock.now(), channels=channels,
                              mailbox=mailbox, grade=lead.grade)
    db.commit()
    if deliver:
        run_blocking(_deliver(sessionmaker(db.get_bind(), expire_on_commit=False), message.id, registry, clock))
        db.expire_all()
    return MessageRead.model_validate(db.get(OutreachMessageDB, message.id))


async def _deliver(sessions: sessionmaker[Session], message_id: str, registry: ChannelRegistry | None,
                   clock: Clock) -> None:
    from aicmo.cam.outreach.channels import build_registry
    from aicmo.cam.worker.dispatch import Dispatcher

    owned = registry is None
    registry = registry or build_registry(sessions)
    try:
        dispatcher = Dispatcher(sessions, registry, clock=clock)
        with sessions() as db:
            claimed = db.execute(update(OutreachMessageDB).where(
                OutreachMessageDB.id == message_id, OutreachMessageDB.status == MessageStatus.PENDING).values(
                status=MessageStatus.QUEUED, lease_owner=dispatcher.owner, queued_at=clock.now(),
                lease_expires_at=clock.now() + dispatcher.lease))
            db.commit()
        if getattr(claimed, "rowcount", 0):
            await dispatcher.process(message_id)
    finally:
        if owned:
            await registry.aclose()


def get_message(db: Session, message_id: str) -> MessageRead:
    message = db.get(OutreachMessageDB, message_id)
    if message is None:
        raise MessageNotFound(message_id)
    return MessageRead.model_validate(message)


def list_messages(db: Session, *, statuses: Sequence[MessageStatus | str] = (), campaign_id: int | None = None,
                  lead_id: int | None = None, channel: Channel | None = None, limit: int = 100) -> list[MessageRead]:
    query = select(OutreachMessageDB)
    if statuses:
        query = query.where(OutreachMessageDB.status.in_([MessageStatus(s) for s in statuses]))
    if campaign_id is not None:
        query = query.where(OutreachMessageDB.campaign_id == campaign_id)
    if lead_id is not None:
        query = query.where(OutreachMessageDB.lead_id == lead_id)
    if channel is not None:
        query = query.where(OutreachMessageDB.channel == channel)
    rows = db.scalars(query.order_by(OutreachMessageDB.created_at.desc(), OutreachMessageDB.id).limit(limit))
    return [MessageRead.model_validate(row) for row in rows]


def retry_message(db: Session, message_id: str, *, now: datetime) -> MessageRead:
    """Send a failed, skipped or cancelled message again, from the channel it stopped on. Never commits."""
    message = db.get(OutreachMessageDB, message_id)
    if message is None:
        raise MessageNotFound(message_id)
    if message.status not in (MessageStatus.FAILED, MessageStatus.CANCELLED, MessageStatus.SKIPPED):
        raise MessageStateError(f"message {message_id} is {message.status.value}; only failed, cancelled or "
                                "skipped messages can be retried")
    messages.set_status(message, MessageStatus.PENDING, now)
    message.next_attempt_at, message.channel_attempts = now, 0
    message.lease_owner = message.lease_expires_at = None
    return MessageRead.model_validate(message)


def outreach_history(db: Session, *, lead_id: int | None = None, campaign_id: int | None = None,
                     limit: int | None = None) -> list[AttemptRead]:
    """Every attempt on every channel, oldest first, for a lead or a campaign (or all)."""
    query = select(OutreachAttemptDB)
    if lead_id is not None:
        query = query.where(OutreachAttemptDB.lead_id == lead_id)
    if campaign_id is not None:
        query = query.where(OutreachAttemptDB.campaign_id == campaign_id)
    query = query.order_by(OutreachAttemptDB.started_at, OutreachAttemptDB.id)
    if limit is not None:
        query = query.limit(limit)
    return [AttemptRead.model_validate(row) for row in db.scalars(query)]


def channel_metrics(db: Session, *, since: datetime | None = None, until: datetime | None = None,
                    window: timedelta = timedelta(days=30), campaign_id: int | None = None,
                    now: datetime | None = None) -> list[ChannelMetrics]:
    """Per channel, over messages created in the window: how many were sent, delivered, replied, bounced, failed."""
    end = until or now or utcnow()
    start = since or end - window
    status = OutreachMessageDB.status

    def count(*statuses: MessageStatus) -> Any:
        return func.sum(case((status.in_(statuses), 1), else_=0))

    query = select(OutreachMessageDB.channel, func.count(), count(*REACHED), count(MessageStatus.DELIVERED,
                   MessageStatus.REPLIED), count(MessageStatus.REPLIED), count(MessageStatus.BOUNCED),
                   count(MessageStatus.FAILED)).where(
        OutreachMessageDB.created_at >= start, OutreachMessageDB.created_at <= end,
        OutreachMessageDB.channel.is_not(None)).group_by(OutreachMessageDB.channel)
    if campaign_id is not None:
        query = query.where(OutreachMessageDB.campaign_id == campaign_id)
    found = {row[0]: row[1:] for row in db.execute(query)}
    metrics = []
    for channel in Channel:
        total, sent, delivered, replied, bounced, failed = (int(v or 0) for v in found.get(channel, (0,) * 6))
        attempted = sent + bounced
        metrics.append(ChannelMetrics(channel=channel, messages=total, sent=sent, delivered=delivered,
                                      replied=replied, bounced=bounced, failed=failed,
                                      bounce_rate=bounced / attempted if attempted else 0.0,
                                      reply_rate=replied / sent if sent else 0.0))
    return metrics
