"""What each classified incoming event changes, applied once, in the caller's transaction.

REPLY: the message REPLIED, the lead replied, its remaining steps on every channel cancelled (the whole
company's too when the campaign says so), the reply's text kept. AUTO_REPLY: nothing stops; the lead's
waiting messages move to the stated return date. Hard BOUNCE: the message BOUNCED, the address invalid, the
step falls back to its next channel. Soft BOUNCE: the same channel again after a backoff.
COMPLAINT: the lead do-not-contact, suppressed, everything cancelled. UNSUBSCRIBE: as the one-click link does.
DELIVERED: SENT becomes DELIVERED. Bounces and complaints count against the sending mailbox, whose guard may
pause it.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from aicmo.cam.deliverability import guard
from aicmo.cam.inbox import matching
from aicmo.cam.inbox.events import InboundEvent, InboundKind
from aicmo.cam.inbox.intent import ReplyIntent, reply_intent
from aicmo.cam.inbox.models import InboundMessageDB
from aicmo.cam.leads.enums import EmailStatus, LeadStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.limits.config import channel_limits
from aicmo.cam.outcomes import service as outcomes
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, EventKind, MessageStatus
from aicmo.cam.outreach.models import DeliveryEventDB, OutreachMessageDB
from aicmo.cam.sequences.models import SequenceConfigDB
from aicmo.cam.sequences.rules import RetryPolicy, backoff
from aicmo.cam.suppression import service as suppression
from aicmo.cam.webhooks.events import WebhookEvent, message_event
from aicmo.db.base import utcnow
from aicmo.settings import Settings

_STILL_OPEN = (MessageStatus.SENT, MessageStatus.DELIVERED)
_ANSWERS = (EventKind.REPLY, EventKind.AUTO_REPLY, EventKind.UNSUBSCRIBE)
_BEFORE_REPLY = (MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.SENDING, *_STILL_OPEN)


_INTENT_OF_KIND = {InboundKind.AUTO_REPLY: ReplyIntent.AUTO_REPLY, InboundKind.UNSUBSCRIBE: ReplyIntent.UNSUBSCRIBE}


@dataclass(frozen=True)
class Origin:
    """Where an event came from: a mailbox folder's UID, or a provider's event id."""

    source: str  # "imap" or the provider's name
    mailbox_id: int | None = None
    folder: str | None = None
    uidvalidity: int | None = None
    uid: int | None = None


def already_applied(db: Session, event: InboundEvent, origin: Origin) -> bool:
    clauses = []
    if origin.uid is not None:
        clauses.append((InboundMessageDB.mailbox_id == origin.mailbox_id) & (InboundMessageDB.folder == origin.folder)
                       & (InboundMessageDB.uidvalidity == origin.uidvalidity) & (InboundMessageDB.uid == origin.uid))
    if event.provider_event_id:
        clauses.append((InboundMessageDB.source == origin.source)
                       & (InboundMessageDB.provider_event_id == event.provider_event_id))
    if origin.mailbox_id is not None and event.rfc_message_id:  # the same mail seen again after UIDVALIDITY changed
        clauses.append((InboundMessageDB.mailbox_id == origin.mailbox_id)
                       & (InboundMessageDB.rfc_message_id == event.rfc_message_id))
    return bool(clauses) and db.scalar(select(InboundMessageDB.id).where(or_(*clauses)).limit(1)) is not None


def apply(db: Session, event: InboundEvent, origin: Origin, settings: Settings,
          now: datetime | None = None, rand: random.Random | None = None) -> InboundMessageDB | None:
    """Record the event and make it take effect; None when it was applied before. Never commits."""
    now = now or utcnow()
    if already_applied(db, event, origin):
        return None
    message = matching.find_message(db, event) if event.kind is not InboundKind.UNMATCHED else None
    lead = _lead_for(db, event, message)
    kind = event.kind if lead is not None else InboundKind.UNMATCHED
    record = InboundMessageDB(
        source=origin.source, mailbox_id=origin.mailbox_id, folder=origin.folder, uidvalidity=origin.uidvalidity,
        uid=origin.uid, provider_event_id=event.provider_event_id, rfc_message_id=event.rfc_message_id, kind=kind,
        address=event.address, subject=event.subject, detail=event.detail,
        # Unrelated mail is only counted: nothing of its content is kept.
        text=event.text if kind is not InboundKind.UNMATCHED else None,
        lead_id=lead.id if lead is not None else None, message_id=message.id if message is not None else None,
        intent=_INTENT_OF_KIND.get(kind) or (reply_intent(event.text) if kind is InboundKind.REPLY else None),
        received_at=now)
    db.add(record)
    if lead is None:
        return record
    sender = matching.sender_mailbox_id(db, message) if message is not None else None
    handlers = {
        InboundKind.REPLY: _reply, InboundKind.AUTO_REPLY: _auto_reply, InboundKind.BOUNCE: _bounce,
        InboundKind.COMPLAINT: _complaint, InboundKind.UNSUBSCRIBE: _unsubscribe, InboundKind.DELIVERED: _delivered,
    }
    handlers[kind](db, _Context(event, origin, lead, message, sender, settings, now, rand or random.Random()))
    if record.intent is ReplyIntent.POSITIVE:
        db.flush()  # the outcome names the incoming message by its id
        outcomes.record_positive_reply(db, lead_id=lead.id, inbound_id=record.id, message_id=record.message_id,
                                       at=event.occurred_at or now)
    return record


@dataclass(frozen=True)
class _Context:
    event: InboundEvent
    origin: Origin
    lead: LeadDB
    message: OutreachMessageDB | None
    mailbox_id: int | None
    settings: Settings
    now: datetime
    rand: random.Random

    def log(self, db: Session, kind: EventKind, detail: str | None = None) -> None:
        db.add(DeliveryEventDB(kind=kind, lead_id=self.lead.id, mailbox_id=self.mailbox_id,
                               message_id=self.message.id if self.message is not None else None,
                               channel=self.channel(kind), detail=detail or self.event.detail,
                               occurred_at=self.event.occurred_at or self.now))

    def channel(self, kind: EventKind) -> Channel:
        """Bounces, complaints and deliveries are about the email; an answer, to the channel that reached the lead."""
        if kind in _ANSWERS and self.message is not None and self.message.channel is not None:
            return self.message.channel
        return Channel.EMAIL


def _lead_for(db: Session, event: InboundEvent, message: OutreachMessageDB | None) -> LeadDB | None:
    if message is not None:
        return db.get(LeadDB, message.lead_id)
    if event.kind in (InboundKind.COMPLAINT, InboundKind.UNSUBSCRIBE):
        # Without a message to tie it to, an explicit "never again" from a known address still counts.
        leads = matching.leads_with_address(db, event.address)
        return leads[0] if len(leads) == 1 else None
    return None


def _reply(db: Session, ctx: _Context) -> None:
    ctx.log(db, EventKind.REPLY)
    if ctx.message is not None and ctx.message.status in _BEFORE_REPLY:
        messages.set_status(ctx.message, MessageStatus.REPLIED, ctx.now)
    if ctx.lead.status in (LeadStatus.NEW, LeadStatus.CONTACTED):
        ctx.lead.status = LeadStatus.REPLIED
    messages.cancel_for_lead(db, ctx.lead.id, "the lead replied", ctx.now)
    if ctx.message is not None:
        message_event(db, WebhookEvent.MESSAGE_REPLIED, ctx.message, ctx.lead, ctx.now,
                      reply={"subject": ctx.event.subject, "text": ctx.event.text,
                             "received_at": (ctx.event.occurred_at or ctx.now).isoformat()})
    campaign_id = ctx.message.campaign_id if ctx.message is not None else None
    if campaign_id is not None and ctx.lead.company_domain and db.scalar(
            select(SequenceConfigDB.stop_company_on_reply).where(SequenceConfigDB.campaign_id == campaign_id)):
        messages.cancel_for_company(db, ctx.lead.company_domain,
                                    f"{ctx.lead.email or ctx.lead.id} at {ctx.lead.company_domain} replied", ctx.now)


def _auto_reply(db: Session, ctx: _Context) -> None:
    ctx.log(db, EventKind.AUTO_REPLY)
    back = ctx.event.return_date
    if back is None or back <= ctx.now.date():
        return
    # Waiting messages go out once the lead is back; the send window then picks the hour in their time zone.
    resume = datetime.combine(back, time(0, 0), tzinfo=UTC)
    db.execute(update(OutreachMessageDB).where(
        OutreachMessageDB.lead_id == ctx.lead.id, OutreachMessageDB.status == MessageStatus.PENDING,
        OutreachMessageDB.next_attempt_at < resume).values(next_attempt_at=resume, updated_at=ctx.now)
        .execution_options(synchronize_session=False))


def _bounce(db: Session, ctx: _Context) -> None:
    hard = ctx.event.hard is not False
    ctx.log(db, EventKind.HARD_BOUNCE if hard else EventKind.SOFT_BOUNCE,
            f"{ctx.event.status_code or ''} {ctx.event.diagnostic or ctx.event.detail or ''}".strip() or None)
    address = (ctx.event.address or "").lower()
    if hard and address and address == (ctx.lead.email or "").lower():
        # Invalid, not suppressed: the address is dead, but the lead may still be reached on other channels.
        ctx.lead.email_status = EmailStatus.INVALID
    message = ctx.message
    if message is not None and message.status in _STILL_OPEN:
        reason = f"bounced: {ctx.event.status_code or ''} {ctx.event.diagnostic or ''}".strip()
        if hard:
            messages.set_status(message, MessageStatus.BOUNCED, ctx.now)
            message_event(db, WebhookEvent.MESSAGE_BOUNCED, message, ctx.lead, ctx.now, bounce={
                "channel": str(message.channel), "hard": True, "detail": reason})
            messages.fall_back(message, reason, ctx.now, otherwise=MessageStatus.BOUNCED)
        else:
            _retry_later(db, message, reason, ctx)
    if ctx.mailbox_id is not None:
        guard.check_mailbox(db, ctx.mailbox_id, ctx.settings, ctx.now)


def _retry_later(db: Session, message: OutreachMessageDB, reason: str, ctx: _Context) -> None:
    """A soft bounce: the same channel again after a backoff, then the next channel once retries run out."""
    limits = channel_limits(db)[messages.current_channel(message).value]
    policy = RetryPolicy(base=timedelta(seconds=limits.retry_base_seconds),
                         cap=timedelta(seconds=limits.retry_cap_seconds), max_retries=limits.max_retries)
    if message.channel_attempts >= policy.max_retries:
        messages.set_status(message, MessageStatus.BOUNCED, ctx.now)
        messages.fall_back(message, reason, ctx.now, otherwise=MessageStatus.BOUNCED)
        return
    message.channel_attempts += 1
    messages.set_status(message, MessageStatus.PENDING, ctx.now)
    message.next_attempt_at = ctx.now + backoff(policy, message.channel_attempts, ctx.rand.random)
    message.sent_at, message.last_error = None, reason


def _complaint(db: Session, ctx: _Context) -> None:
    ctx.log(db, EventKind.COMPLAINT)
    if ctx.lead.email:
        suppression.add(db, ctx.lead.email, reason="complaint", detail=ctx.event.detail, lead_id=ctx.lead.id)
    ctx.lead.status = LeadStatus.DO_NOT_CONTACT
    messages.cancel_for_lead(db, ctx.lead.id, "the lead complained (marked as spam)", ctx.now)
    if ctx.mailbox_id is not None:
        guard.check_mailbox(db, ctx.mailbox_id, ctx.settings, ctx.now)


def _unsubscribe(db: Session, ctx: _Context) -> None:
    if ctx.message is not None and ctx.message.status in _STILL_OPEN:
        messages.set_status(ctx.message, MessageStatus.REPLIED, ctx.now)
    suppression.unsubscribe(db, lead_id=ctx.lead.id, message_id=ctx.message.id if ctx.message is not None else None,
                            source=f"{ctx.origin.source}: {ctx.event.detail or 'asked to be removed'}", now=ctx.now)


def _delivered(db: Session, ctx: _Context) -> None:
    ctx.log(db, EventKind.DELIVERED)
    if ctx.message is not None and ctx.message.status is MessageStatus.SENT:
        messages.set_status(ctx.message, MessageStatus.DELIVERED, ctx.now)
