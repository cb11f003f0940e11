"""Recording what a send did, in the caller's transaction: the attempt, what it revealed, and its effect on the lead."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from aicmo.cam.leads.enums import EmailStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach.domain import Channel, EventKind, OutreachMessage, SendResult, SendStatus
from aicmo.cam.outreach.models import DeliveryEventDB, MailboxDB, OutreachAttemptDB
from aicmo.db.base import utcnow

_INSERT_ATTEMPT = insert(OutreachAttemptDB)


def mailbox_id(db: Session, name: str | None) -> int | None:
    if name is None:
        return None
    return db.scalar(select(MailboxDB.id).where(MailboxDB.name == name))


def record_attempt(db: Session, message: OutreachMessage, result: SendResult,
                   target_domain: str | None = None, now: datetime | None = None,
                   sender_id: int | None = None) -> int:
    """Store the attempt and its event; a hard bounce marks the lead's email invalid at once. Return the attempt's id.

    Never commits. The attempt is a plain INSERT, not a unit-of-work object: every send on every channel makes one.
    """
    sender = sender_id if sender_id is not None else mailbox_id(db, result.mailbox)
    now = now or utcnow()
    if db.new:
        db.flush()  # the message or lead this attempt refers to may have been added in this session
    inserted = db.connection().execute(_INSERT_ATTEMPT, attempt_row(message, result, now=now, sender_id=sender,
                                                                    target_domain=target_domain))
    key = inserted.inserted_primary_key
    assert key is not None  # a single-row INSERT always reports its key
    attempt_id = int(key[0])
    if result.event is not None:
        db.add(DeliveryEventDB(kind=result.event, lead_id=message.lead_id, mailbox_id=sender, attempt_id=attempt_id,
                               message_id=message.id, channel=result.channel, detail=result.detail or None,
                               occurred_at=now))
    note_on_lead(db, message, result, now)
    return attempt_id


def attempt_row(message: OutreachMessage, result: SendResult, *, now: datetime, sender_id: int | None,
                target_domain: str | None = None) -> dict[str, Any]:
    """The attempt's row, for `record_attempt` or for `insert_attempts` with others."""
    return {"message_id": message.id, "lead_id": message.lead_id, "campaign_id": message.campaign_id,
            "channel": result.channel, "mailbox_id": sender_id, "target": result.target,
            "target_domain": target_domain or result.target_domain, "status": result.status,
            "error_kind": result.error_kind, "detail": result.detail or None,
            "provider_message_id": result.provider_message_id, "response_code": result.response_code,
            "duration_ms": result.duration_ms, "started_at": now}


def insert_attempts(db: Session, rows: list[dict[str, Any]]) -> None:
    """Several attempts that revealed nothing (no event to point at them), in one statement."""
    if rows:
        db.connection().execute(_INSERT_ATTEMPT, rows)


def note_on_lead(db: Session, message: OutreachMessage, result: SendResult, now: datetime) -> None:
    """What an attempt changes on its lead: a hard bounce invalidates the email, a send moves the last outreach."""
    lead = db.get(LeadDB, message.lead_id)
    if lead is not None:
        bounced_address = result.target or lead.email
        if result.event is EventKind.HARD_BOUNCE and result.channel is Channel.EMAIL and bounced_address == lead.email:
            lead.email_status = EmailStatus.INVALID
        if result.status is SendStatus.SENT:
            lead.last_outreach_at = now


def sends_since(db: Session, mailbox: int, since: datetime) -> int:
    """Email attempts of the mailbox the receiving server answered: accepted, or refused on the spot as a bounce
    or for policy."""
    sent = db.scalar(select(func.count()).select_from(OutreachAttemptDB).where(
        OutreachAttemptDB.mailbox_id == mailbox, OutreachAttemptDB.channel == Channel.EMAIL,
        OutreachAttemptDB.status == SendStatus.SENT, OutreachAttemptDB.started_at >= since)) or 0
    refused = db.scalar(select(func.count()).select_from(DeliveryEventDB).where(
        DeliveryEventDB.mailbox_id == mailbox, DeliveryEventDB.occurred_at >= since,
        DeliveryEventDB.kind.in_((EventKind.HARD_BOUNCE, EventKind.POLICY_REJECTION)),
        DeliveryEventDB.attempt_id.is_not(None))) or 0
    return sent + refused


def policy_refusers(db: Session, message_id: str) -> set[str]:
    """The sender mailboxes whose receiving server refused this message for policy."""
    return set(db.scalars(select(MailboxDB.name).join(DeliveryEventDB, DeliveryEventDB.mailbox_id == MailboxDB.id)
                          .where(DeliveryEventDB.message_id == message_id,
                                 DeliveryEventDB.kind == EventKind.POLICY_REJECTION)))


def events_since(db: Session, mailbox: int, since: datetime) -> dict[EventKind, int]:
    rows = db.execute(select(DeliveryEventDB.kind, func.count()).where(
        DeliveryEventDB.mailbox_id == mailbox, DeliveryEventDB.occurred_at >= since).group_by(DeliveryEventDB.kind))
    return {EventKind(kind): count for kind, count in rows}


def event_rate(db: Session, mailbox: int, kinds: tuple[EventKind, ...], *, since: datetime | None = None,
               window: timedelta = timedelta(days=1)) -> float:
    """Events of these kinds per send of this mailbox over the window (0.0 with no sends)."""
    start = since or utcnow() - window
    sends = sends_since(db, mailbox, start)
    if not sends:
        return 0.0
    counts = events_since(db, mailbox, start)
    return sum(counts.get(kind, 0) for kind in kinds) / sends


def submission_count(db: Session, domain: str, *, campaign_id: int | None = None) -> int:
    """Contact-form submissions made to a domain (in one campaign, if given)."""
    query = select(func.count()).select_from(OutreachAttemptDB).where(
        OutreachAttemptDB.channel == Channel.CONTACT_FORM, OutreachAttemptDB.target_domain == domain,
        OutreachAttemptDB.status == SendStatus.SENT)
    if campaign_id is not None:
        query = query.where(OutreachAttemptDB.campaign_id == campaign_id)
    return db.scalar(query) or 0
