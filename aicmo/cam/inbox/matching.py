"""Which of our messages and leads an incoming event is about."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo.cam.inbox.events import InboundEvent, InboundKind
from aicmo.cam.inbox.reply_text import THREAD_PREFIX
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach.domain import Channel, MessageStatus, SendStatus
from aicmo.cam.outreach.models import OutreachAttemptDB, OutreachMessageDB

_REACHED = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.REPLIED, MessageStatus.BOUNCED)


def thread_subject(subject: str | None) -> str:
    """A subject without reply prefixes, case and spacing, to compare threads."""
    return " ".join(THREAD_PREFIX.sub("", subject or "").split()).casefold()


def _our_id(reference: str) -> str | None:
    """The outreach message id inside one of our Message-IDs (`<uuid@sender-domain>`), if it is one."""
    local = reference.strip().strip("<>").partition("@")[0]
    try:
        return str(uuid.UUID(local))
    except ValueError:
        return None


def by_reference(db: Session, references: tuple[str, ...]) -> OutreachMessageDB | None:
    """The newest message among the referenced ones that is ours."""
    for reference in reversed(references):  # the last reference is the nearest ancestor
        our_id = _our_id(reference)
        if our_id is not None and (message := db.get(OutreachMessageDB, our_id)) is not None:
            return message
        bare = reference.strip().strip("<>")
        found = db.scalar(select(OutreachMessageDB).where(
            OutreachMessageDB.provider_message_id.in_((bare, f"<{bare}>"))).limit(1))
        if found is not None:
            return found
    return None


def leads_with_address(db: Session, address: str | None) -> list[LeadDB]:
    if not address:
        return []
    return list(db.scalars(select(LeadDB).where(func.lower(LeadDB.email) == address.lower())))


def by_address_and_subject(db: Session, address: str | None, subject: str | None) -> OutreachMessageDB | None:
    """A reply without usable headers: our latest email to its sender whose subject is the reply's thread."""
    wanted = thread_subject(subject)
    if not wanted:
        return None
    for lead in leads_with_address(db, address):
        candidates = db.scalars(select(OutreachMessageDB).where(
            OutreachMessageDB.lead_id == lead.id, OutreachMessageDB.channel == Channel.EMAIL,
            OutreachMessageDB.status.in_(_REACHED)).order_by(OutreachMessageDB.created_at.desc()).limit(20))
        for message in candidates:
            if thread_subject(message.subject) == wanted:
                return message
    return None


def by_recipient(db: Session, address: str | None) -> OutreachMessageDB | None:
    """Our latest email that went out to this address: what a bounce or complaint without headers is about."""
    if not address:
        return None
    message_id = db.scalar(select(OutreachAttemptDB.message_id).where(
        func.lower(OutreachAttemptDB.target) == address.lower(), OutreachAttemptDB.channel == Channel.EMAIL,
        OutreachAttemptDB.status == SendStatus.SENT, OutreachAttemptDB.message_id.is_not(None))
        .order_by(OutreachAttemptDB.started_at.desc()).limit(1))
    return db.get(OutreachMessageDB, message_id) if message_id else None


def find_message(db: Session, event: InboundEvent) -> OutreachMessageDB | None:
    """Our message this event is about: by its references first, then as the event's kind allows."""
    message = by_reference(db, event.references)
    if message is not None:
        return message
    if event.kind in (InboundKind.REPLY, InboundKind.UNSUBSCRIBE, InboundKind.AUTO_REPLY):
        return by_address_and_subject(db, event.address, event.subject)
    if event.kind in (InboundKind.BOUNCE, InboundKind.COMPLAINT, InboundKind.DELIVERED):
        return by_recipient(db, event.address)
    return None


def sender_mailbox_id(db: Session, message: OutreachMessageDB) -> int | None:
    """The mailbox our message went out from, as its latest sent email attempt recorded it."""
    return db.scalar(select(OutreachAttemptDB.mailbox_id).where(
        OutreachAttemptDB.message_id == message.id, OutreachAttemptDB.channel == Channel.EMAIL,
        OutreachAttemptDB.status == SendStatus.SENT).order_by(OutreachAttemptDB.started_at.desc()).limit(1))
