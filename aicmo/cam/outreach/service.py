"""Outreach reads and changes: messages, their retry, the attempt history and channel metrics."""

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.outreach.domain import Channel, ErrorKind, MessageStatus, SendStatus
from aicmo.cam.outreach.messages import MessageRead
from aicmo.cam.outreach.models import OutreachAttemptDB, OutreachMessageDB
from aicmo.errors import MessageNotFound

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


def ids_starting(db: Session, prefix: str, *, limit: int = 2) -> list[str]:
    """Ids of messages that start with `prefix` (as lists show them cut short), at most `limit`."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(db.scalars(select(OutreachMessageDB.id).where(OutreachMessageDB.id.like(f"{escaped}%", escape="\\"))
                           .order_by(OutreachMessageDB.id).limit(limit)))


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
