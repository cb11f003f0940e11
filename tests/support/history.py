"""Give a stored message the history the send engine and the inbox would give it, through their own code:
an attempt recorded as a channel answered it, then an incoming event applied as the inbox applies it."""

from datetime import datetime

from sqlalchemy.orm import Session

from aicmo.cam.inbox.effects import Origin, apply
from aicmo.cam.inbox.events import InboundEvent, InboundKind
from aicmo.cam.inbox.models import InboundMessageDB
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.attempts import record_attempt
from aicmo.cam.outreach.domain import Channel, ErrorKind, EventKind, MessageStatus, SendResult, SendStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.settings import Settings


def sent(db: Session, message: OutreachMessageDB, now: datetime, channel: Channel | None = None, *,
         mailbox: str | None = None) -> None:
    """The channel accepted the message (an email server said 250, through `mailbox` if named): the attempt, and
    the message SENT."""
    used = channel or messages.current_channel(message)
    provider_id = f"<{message.id}@test.example>"
    record_attempt(db, messages.as_outreach(message), SendResult(SendStatus.SENT, used, provider_message_id=provider_id,
                                                                  target="x", mailbox=mailbox), now=now)
    message.channel, message.provider_message_id = used, provider_id
    messages.set_status(message, MessageStatus.SENT, now)


def refused(db: Session, message: OutreachMessageDB, now: datetime, *, mailbox: str | None = None) -> None:
    """The receiving server refused the email on the spot (550 5.1.1): a failed attempt with its hard bounce."""
    record_attempt(db, messages.as_outreach(message), SendResult.failed(
        Channel.EMAIL, ErrorKind.CHANNEL_FAILED, "550 5.1.1 no such user", event=EventKind.HARD_BOUNCE,
        response_code=550, mailbox=mailbox), now=now)
    messages.fall_back(message, "bounced", now, otherwise=MessageStatus.BOUNCED)


def answered(db: Session, message: OutreachMessageDB, kind: InboundKind, now: datetime, *, text: str = "",
             hard: bool | None = None, settings: Settings | None = None) -> InboundMessageDB:
    """Something came back about the message and the inbox applied it: a reply, a bounce, a complaint..."""
    lead = db.get(LeadDB, message.lead_id)
    assert lead is not None and message.provider_message_id is not None
    event = InboundEvent(kind, references=(message.provider_message_id.strip("<>"),), address=lead.email,
                         text=text or None, hard=hard, occurred_at=now, detail="test")
    record = apply(db, event, Origin("test"), settings or Settings(), now=now)
    assert record is not None
    return record
