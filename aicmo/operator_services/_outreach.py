"""Outreach: single messages, their channels and the worker's queue."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.analytics.service import ChannelMetrics, channel_metrics
from aicmo.cam.engine import settle
from aicmo.cam.engine.now import deliver_now
from aicmo.cam.engine.settle import Settlement
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.limits import config as limits_config
from aicmo.cam.limits.config import ChannelConfigRead, ChannelConfigUpdate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach import service as outreach
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.messages import DEFAULT_CHANNEL_ORDER, MessageRead
from aicmo.cam.outreach.outcome import what_happened
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.outreach.service import AttemptRead
from aicmo.cam.templates.render import configured_limits
from aicmo.cam.worker.status import QueueStatus, queue_status
from aicmo.clock import Clock, SystemClock
from aicmo.db.base import utcnow
from aicmo.errors import LeadNotFound
from aicmo.portal import run_sync
from aicmo.settings import get_settings


def send_outreach_message(db: Session, lead_id: int, body: str, subject: str | None = None, *,
                          channels: Sequence[Channel] = DEFAULT_CHANNEL_ORDER, mailbox: str | None = None,
                          deliver: bool = True, registry: ChannelRegistry | None = None,
                          clock: Clock | None = None) -> MessageRead:
    """Store one message to a lead and, unless deliver=False, send it now through the send engine: channels in
    order, within the rate limits (a limit reached leaves it waiting for the worker); return its state."""
    clock = clock or SystemClock()
    lead = db.get(LeadDB, lead_id)
    if lead is None:
        raise LeadNotFound(lead_id)
    message = messages.create(db, lead_id=lead_id, body=body, subject=subject, now=clock.now(), channels=channels,
                              mailbox=mailbox, grade=lead.grade)
    db.commit()
    if deliver:
        sessions = sessionmaker(db.get_bind(), expire_on_commit=False)
        settings = get_settings()
        run_sync(lambda: deliver_now(sessions, message.id, registry, clock=clock, settings=settings))
        db.expire_all()
    return outreach.get_message(db, message.id)


def find_message_ids(db: Session, prefix: str) -> list[str]:
    """The ids (at most two: enough to tell ambiguity) of messages starting with `prefix`."""
    return outreach.ids_starting(db, prefix)


def describe_message(db: Session, message_id: str) -> str:
    """What became of a message, in one line: e.g. "sent by email to jane@acme.io", "LinkedIn task 12 waiting for
    you (aicmo tasks list)", or why it was not sent."""
    return what_happened(db, message_id)


def get_channel_config(db: Session, channel: Channel | str) -> ChannelConfigRead:
    """A channel's caps and retry policy (`all` for the global limits and the per-lead gap)."""
    return limits_config.get_channel_config(db, scope=str(channel))


def update_channel_config(db: Session, channel: Channel | str,
                          changes: ChannelConfigUpdate | Mapping[str, Any] | None = None,
                          **fields: Any) -> ChannelConfigRead:
    """Change a channel's caps or retry policy; InvalidChannelConfig names the field at fault."""
    given = changes.model_dump(exclude_unset=True) if isinstance(changes, ChannelConfigUpdate) else dict(changes or {})
    config = limits_config.update_channel_config(db, scope=str(channel), changes={**given, **fields})
    db.commit()
    return config


def get_outreach_history(db: Session, lead_id: int | None = None, *, campaign_id: int | None = None,
                         limit: int | None = None) -> list[AttemptRead]:
    """Every attempt on every channel, in order, for a lead or a campaign."""
    return outreach.outreach_history(db, lead_id=lead_id, campaign_id=campaign_id, limit=limit)


def get_channel_metrics(db: Session, *, since: datetime | None = None, until: datetime | None = None,
                        window: timedelta = timedelta(days=30), campaign_id: int | None = None) -> list[ChannelMetrics]:
    """Per channel, what happened in the window (default: the last 30 days up to now): sends, deliveries, replies,
    positive replies, bounces, complaints and their rates, counted by attempts and events."""
    end = until or utcnow()
    return channel_metrics(db, since=since or end - window, until=end, campaign_id=campaign_id)


def list_messages(db: Session, *, statuses: Sequence[MessageStatus | str] = (), campaign_id: int | None = None,
                  lead_id: int | None = None, limit: int = 100) -> list[MessageRead]:
    return outreach.list_messages(db, statuses=statuses, campaign_id=campaign_id, lead_id=lead_id, limit=limit)


def retry_message(db: Session, message_id: str) -> MessageRead:
    """Queue again a message that is not on its way and never reached the lead (failed, skipped, cancelled or in
    doubt), whatever its campaign's state; MessageStateError says in one line why not (e.g. a paused campaign)."""
    message = settle.retry(db, message_id, now=utcnow())
    db.commit()
    return message


def list_messages_in_doubt(db: Session, *, campaign_id: int | None = None, lead_id: int | None = None,
                           limit: int = 100) -> list[MessageRead]:
    """Messages that may have gone out (no answer once sent, or a worker stopped mid-send), newest first."""
    return outreach.list_messages(db, statuses=[MessageStatus.IN_DOUBT], campaign_id=campaign_id, lead_id=lead_id,
                                  limit=limit)


def settle_message(db: Session, message_id: str, decision: Settlement | str) -> MessageRead:
    """Settle a message in doubt: `delivered` (counted as sent, the sequence goes on), `resend` or `drop`;
    recorded in the lead's history."""
    message = settle.settle(db, message_id, Settlement(decision), now=utcnow(),
                            limits=configured_limits(get_settings()))
    db.commit()
    return message


def get_queue_status(db: Session, *, now: datetime | None = None) -> QueueStatus:
    """Messages per status, open LinkedIn tasks, messages due now, the next due time and the running campaigns."""
    return queue_status(db, now or utcnow())


def list_channel_configs(db: Session) -> list[ChannelConfigRead]:
    """Every scope's caps and retry policy, stored or default: each channel, then `all`."""
    return [limits_config.get_channel_config(db, scope=scope) for scope in limits_config.SCOPES]


def get_message(db: Session, message_id: str) -> MessageRead:
    return outreach.get_message(db, message_id)


def filter_messages(db: Session, *, statuses: Sequence[MessageStatus | str] = (), channel: Channel | None = None,
                    campaign_id: int | None = None, lead_id: int | None = None, limit: int = 100) -> list[MessageRead]:
    """Messages newest first, by status, current channel, campaign and lead."""
    return outreach.list_messages(db, statuses=statuses, channel=channel, campaign_id=campaign_id, lead_id=lead_id,
                                  limit=limit)
