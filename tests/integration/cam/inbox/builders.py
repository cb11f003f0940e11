"""Leads with messages already sent from a mailbox: what incoming events are about."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.attempts import record_attempt
from aicmo.cam.outreach.domain import Channel, MessageStatus, SendResult, SendStatus, SmtpSecurity
from aicmo.cam.outreach.models import MailboxDB, OutreachMessageDB
from aicmo.settings import Settings
from tests.factories import make_lead

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
SETTINGS = Settings(secret_key="test-secret", guard_min_sends=10, guard_window_sends=50)


def add_mailbox(db: Session, name: str = "sales", **extra: Any) -> MailboxDB:
    mailbox = MailboxDB(name=name, from_address=f"{name}@seller.example", smtp_host="127.0.0.1", smtp_port=2525,
                        smtp_security=SmtpSecurity.NONE, **extra)
    db.add(mailbox)
    db.commit()
    return mailbox


def sent_email(db: Session, mailbox: MailboxDB, *, email: str = "jane@acme.io", when: datetime = NOW,
               channels: tuple[Channel, ...] = (Channel.EMAIL, Channel.LINKEDIN), step: int = 0,
               campaign_id: int | None = None, lead_id: int | None = None, **lead: Any) -> OutreachMessageDB:
    """A message that went out by email from the mailbox, as the worker leaves it: SENT, with its attempt."""
    if lead_id is None:
        lead_id = ops.create_lead(db, LeadCreate(**make_lead(email=email, **lead))).id
    message = messages.create(db, lead_id=lead_id, body="Hello", subject="Quick question", now=when,
                              channels=channels, step=step, campaign_id=campaign_id)
    db.flush()
    messages.set_status(message, MessageStatus.SENT, when)
    message.next_attempt_at = None
    message.provider_message_id = f"<{message.id}@seller.example>"
    record_attempt(db, messages.as_outreach(message),
                   SendResult(SendStatus.SENT, Channel.EMAIL, provider_message_id=message.provider_message_id,
                              target=email, mailbox=mailbox.name), now=when, sender_id=mailbox.id)
    db.commit()
    return message


def waiting(db: Session, lead_id: int, *, step: int = 1, due: datetime = NOW + timedelta(days=3),
            campaign_id: int | None = None) -> OutreachMessageDB:
    message = messages.create(db, lead_id=lead_id, body="Follow-up", subject="Re: Quick question", now=NOW,
                              due_at=due, step=step, campaign_id=campaign_id)
    db.commit()
    return message
