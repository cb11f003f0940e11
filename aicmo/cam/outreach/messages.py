"""Outreach messages: creating them, moving them between states, cancelling them, and reading their history."""

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session

from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach.domain import FINAL_STATUSES, Channel, ErrorKind, MessageStatus, OutreachMessage
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.outreach.tasks import store as tasks
from aicmo.cam.outreach.tasks.models import OperatorTaskDB, TaskKind, TaskStatus

DEFAULT_CHANNEL_ORDER = (Channel.EMAIL, Channel.LINKEDIN, Channel.CONTACT_FORM)
# Messages a cancellation may still stop: those not yet handed to a channel.
CANCELLABLE = (MessageStatus.PENDING, MessageStatus.QUEUED)
# Messages that reached the lead's mail server: a later email in the campaign continues their thread.
_WENT_OUT = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.REPLIED)


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    lead_id: int
    campaign_id: int | None
    sequence_step: int
    channel_order: list[Channel]
    channel: Channel | None
    subject: str | None
    body: str
    template_variant: str | None
    status: MessageStatus
    attempts: int
    next_attempt_at: datetime | None
    error_kind: ErrorKind | None
    last_error: str | None
    provider_message_id: str | None
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    replied_at: datetime | None
    bounced_at: datetime | None
    failed_at: datetime | None
    cancelled_at: datetime | None
    skipped_at: datetime | None
    in_doubt_at: datetime | None = None


class MessageCreate(BaseModel):
    """One message to one lead, tried on each channel in turn."""

    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(default=None, max_length=998, description="The subject (email needs one).")
    body: str = Field(min_length=1, max_length=100_000)
    channels: list[Channel] = Field(default_factory=lambda: list(DEFAULT_CHANNEL_ORDER), min_length=1,
                                    description="The channels to try, in order.")

    @field_validator("subject", "body")
    @classmethod
    def _storable(cls, text: str | None) -> str | None:
        if text is not None and "\x00" in text:  # PostgreSQL stores no NUL character
            raise ValueError("contains a NUL character")
        return text

    @field_validator("body")
    @classmethod
    def _not_blank(cls, body: str) -> str:
        if not body.strip():
            raise ValueError("the message body is empty")
        return body

    @field_validator("channels")
    @classmethod
    def _each_once(cls, channels: list[Channel]) -> list[Channel]:
        if len(set(channels)) != len(channels):
            raise ValueError("a channel appears twice")
        return channels


def set_status(message: OutreachMessageDB, status: MessageStatus, now: datetime) -> None:
    """Move the message to a status and stamp the moment it got there."""
    message.status = status
    if status is not MessageStatus.PENDING:
        setattr(message, f"{status.value}_at", now)
    message.updated_at = now


def create(db: Session, *, lead_id: int, body: str, subject: str | None, now: datetime, due_at: datetime | None = None,
           campaign_id: int | None = None, step: int = 0, channels: Sequence[Channel] = DEFAULT_CHANNEL_ORDER,
           variant: str | None = None, mailbox: str | None = None, html_body: str | None = None,
           status: MessageStatus = MessageStatus.PENDING, error: str | None = None,
           grade: str | None = None, message_id: str | None = None,
           contact: Mapping[str, str] | None = None) -> OutreachMessageDB:
    """Store a new message, due at `due_at` (default now); `contact` replaces the lead's stored contact points for
    this message alone. Never commits."""
    if not channels:
        raise ValueError("a message needs at least one channel")
    message = OutreachMessageDB(
        id=message_id or str(uuid.uuid4()), lead_id=lead_id, contact_override=dict(contact) if contact else None,
        campaign_id=campaign_id, sequence_step=step,
        channel_order=[Channel(c).value for c in channels], channel_index=0, channel=Channel(channels[0]),
        subject=subject, body=body, html_body=html_body, template_variant=variant, mailbox=mailbox, lead_grade=grade,
        status=MessageStatus.PENDING, attempts=0, channel_attempts=0, next_attempt_at=due_at or now,
        created_at=now, updated_at=now)
    if status is not MessageStatus.PENDING:
        set_status(message, status, now)
        message.next_attempt_at = None
        message.last_error = error
    db.add(message)
    return message


def thread_of(db: Session, message: OutreachMessageDB) -> tuple[str, ...]:
    """The Message-IDs of the emails that went to the message's lead earlier in its campaign, oldest first."""
    if message.campaign_id is None or message.sequence_step == 0:
        return ()
    return tuple(db.scalars(select(OutreachMessageDB.provider_message_id).where(
        OutreachMessageDB.campaign_id == message.campaign_id, OutreachMessageDB.lead_id == message.lead_id,
        OutreachMessageDB.sequence_step < message.sequence_step, OutreachMessageDB.channel == Channel.EMAIL,
        OutreachMessageDB.status.in_(_WENT_OUT), OutreachMessageDB.provider_message_id.is_not(None))
        .order_by(OutreachMessageDB.sequence_step)))


def as_outreach(message: OutreachMessageDB) -> OutreachMessage:
    """The channel-facing view of a stored message, on its current channel."""
    return OutreachMessage(lead_id=message.lead_id, body=message.body, subject=message.subject,
                           channel=current_channel(message), campaign_id=message.campaign_id,
                           sequence_step=message.sequence_step, template_variant=message.template_variant,
                           html_body=message.html_body, mailbox=message.mailbox, id=message.id)


def current_channel(message: OutreachMessageDB) -> Channel:
    return Channel(message.channel_order[message.channel_index])


def cancel_for_lead(db: Session, lead_id: int, reason: str, now: datetime, *, campaign_id: int | None = None) -> int:
    """Cancel the lead's messages not yet handed to a channel and its open operator tasks (LinkedIn steps handed to
    a person or an automation, contact forms left to the operator); return how many messages. Never commits."""
    query = update(OutreachMessageDB).where(OutreachMessageDB.lead_id == lead_id,
                                            OutreachMessageDB.status.in_(CANCELLABLE))
    its_tasks = OperatorTaskDB.lead_id == lead_id
    if campaign_id is not None:
        query = query.where(OutreachMessageDB.campaign_id == campaign_id)
        its_tasks = and_(its_tasks, OperatorTaskDB.campaign_id == campaign_id)
    result = db.execute(query.values(**_cancelled(reason, now)).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0) + _cancel_open_tasks(db, its_tasks, reason, now)


def cancel_for_company(db: Session, company_domain: str, reason: str, now: datetime) -> int:
    """Cancel waiting messages and open operator tasks of every lead at a company domain."""
    lead_ids = select(LeadDB.id).where(LeadDB.company_domain == company_domain)
    result = db.execute(update(OutreachMessageDB).where(
        OutreachMessageDB.lead_id.in_(lead_ids), OutreachMessageDB.status.in_(CANCELLABLE))
        .values(**_cancelled(reason, now)).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0) + _cancel_open_tasks(
        db, OperatorTaskDB.lead_id.in_(lead_ids), reason, now)


def _cancelled(reason: str, now: datetime) -> dict[str, object]:
    return {"status": MessageStatus.CANCELLED, "cancelled_at": now, "updated_at": now, "last_error": reason,
            "lease_owner": None, "lease_expires_at": None, "next_attempt_at": None}


def _cancel_open_tasks(db: Session, which: ColumnElement[bool], reason: str, now: datetime) -> int:
    """Open tasks nobody has done yet must not be done any more, nor the messages waiting on a LinkedIn step handed
    over (a form's message went on to its next channel when the form was left to a person); return how many
    messages."""
    handed_over = select(OperatorTaskDB.message_id).where(
        which, OperatorTaskDB.kind == TaskKind.LINKEDIN, OperatorTaskDB.status == TaskStatus.OPEN,
        OperatorTaskDB.message_id.is_not(None))
    result = db.execute(update(OutreachMessageDB).where(
        OutreachMessageDB.id.in_(handed_over), OutreachMessageDB.status == MessageStatus.SENT)
        .values(**_cancelled(reason, now)).execution_options(synchronize_session=False))
    tasks.cancel_open(db, which, reason, now)
    return int(getattr(result, "rowcount", 0) or 0)


def is_final(message: OutreachMessageDB) -> bool:
    return message.status in FINAL_STATUSES


def settle_handover(db: Session, message_id: str | None, *, done: bool, detail: str | None, now: datetime) -> None:
    """A handed-over step (a LinkedIn task) finished: DELIVERED if done, else fall back to the next channel."""
    message = db.get(OutreachMessageDB, message_id) if message_id else None
    if message is None or message.status is not MessageStatus.SENT:
        return
    if done:
        set_status(message, MessageStatus.DELIVERED, now)
        return
    fall_back(message, detail, now, otherwise=MessageStatus.FAILED)


def fall_back(message: OutreachMessageDB, reason: str | None, now: datetime, *, otherwise: MessageStatus) -> bool:
    """After a handed-over message turned out not to reach the lead, queue its next channel now; with none left,
    end in `otherwise`. Return whether another channel was queued. Never commits."""
    message.last_error = reason
    if message.channel_index + 1 < len(message.channel_order):
        message.channel_index += 1
        message.channel_attempts = 0
        message.channel = current_channel(message)
        set_status(message, MessageStatus.PENDING, now)
        message.sent_at, message.next_attempt_at = None, now
        message.lease_owner = message.lease_expires_at = None
        return True
    set_status(message, otherwise, now)
    return False
