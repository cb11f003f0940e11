"""Reading what came back, and taking in provider events; the operator API's way into the inbox."""

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.inbox.classify import classify
from aicmo.cam.inbox.effects import Origin, apply
from aicmo.cam.inbox.events import InboundEvent, InboundKind
from aicmo.cam.inbox.models import InboundMessageDB
from aicmo.cam.inbox.poller import PollResult, poll_all, poll_mailbox
from aicmo.cam.inbox.schemas import InboundRead, WebhookOutcome
from aicmo.db.unit_of_work import checkpoint
from aicmo.settings import Settings


def get_all(db: Session, *, kind: InboundKind | None = None, lead_id: int | None = None,
            limit: int = 50) -> list[InboundRead]:
    query = select(InboundMessageDB).order_by(InboundMessageDB.received_at.desc(), InboundMessageDB.id.desc())
    if kind is not None:
        query = query.where(InboundMessageDB.kind == kind)
    if lead_id is not None:
        query = query.where(InboundMessageDB.lead_id == lead_id)
    return [InboundRead.model_validate(row) for row in db.scalars(query.limit(limit))]


def poll(db: Session, settings: Settings, *, mailbox: str | None = None) -> list[PollResult]:
    """Poll one mailbox or all with IMAP set; each message is committed on its own, apart from `db`."""
    sessions = sessionmaker(bind=db.get_bind(), expire_on_commit=False)
    if mailbox is not None:
        return [poll_mailbox(sessions, mailbox, settings)]
    return poll_all(sessions, settings)


def take_provider_events(db: Session, provider: str, events: list[InboundEvent], settings: Settings,
                         now: datetime | None = None) -> WebhookOutcome:
    """Apply a provider's events, each in its own transaction; events seen before are skipped. Commits."""
    applied = duplicates = 0
    for event in events:
        try:
            record = apply(db, event, Origin(provider), settings, now)
            checkpoint(db)
        except IntegrityError:  # the provider's retry raced its first delivery, which won
            db.rollback()
            record = None
        if record is None:
            duplicates += 1
        else:
            applied += 1
    return WebhookOutcome(received=len(events), applied=applied, duplicates=duplicates)


def take_message(db: Session, raw: bytes, settings: Settings, *, source: str = "file",
                 now: datetime | None = None) -> InboundMessageDB | None:
    """Classify one raw message (an .eml file, a message forwarded from elsewhere) and apply it as if it had been
    read from a mailbox; None when the same Message-ID came from the same source before. Never commits."""
    event = classify(raw)
    if event.rfc_message_id and not event.provider_event_id:
        event = replace(event, provider_event_id=f"message-id:{event.rfc_message_id}"[:200])
    return apply(db, event, Origin(source), settings, now)
