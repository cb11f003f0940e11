"""ChannelSequencer: reach one lead now, channel after channel (Email → LinkedIn → Contact form by default).

A thin face of the send engine: the message is stored, then the worker's own Dispatcher decides, sends, records and
moves it on, so rate limits, suppressions, fallback and every recorded attempt are what the worker would make of it.
A transient failure's backoff is slept here (with the `sleep` given) and the channel tried again; a message that must
wait for anything else (a rate limit, a send window) is left pending for the worker and reported as such.
"""

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.engine.now import deliver_now
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import FINAL_STATUSES, Channel, MessageStatus, OutreachMessage, SendResult
from aicmo.cam.outreach.messages import DEFAULT_CHANNEL_ORDER
from aicmo.cam.outreach.models import DeliveryEventDB, OutreachAttemptDB, OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.outreach.service import REACHED
from aicmo.cam.sequences.rules import RetryPolicy
from aicmo.clock import Clock, SystemClock
from aicmo.db.engine import unit_of_work
from aicmo.errors import LeadNotFound, MessageStateError
from aicmo.settings import Settings


@dataclass
class SequenceResult:
    status: MessageStatus
    channel: Channel | None  # the channel that carried the message, if one did
    attempts: list[SendResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status is MessageStatus.SENT


class ChannelSequencer:
    def __init__(self, registry: ChannelRegistry, *, sessions: sessionmaker[Session],
                 order: Sequence[Channel] = DEFAULT_CHANNEL_ORDER, policies: dict[Channel, RetryPolicy] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 rand: Callable[[], float] = random.random, clock: Clock | None = None, settings: Settings) -> None:
        self.registry, self.sessions, self.order, self.settings = registry, sessions, tuple(order), settings
        self.policies = policies or {}
        self.clock = clock or SystemClock()
        self._sleep, self._rand = sleep, rand

    async def aexecute_sequence(self, msg: OutreachMessage, email: str | None = None, linkedin_id: str | None = None,
                                form_url: str | None = None) -> SequenceResult:
        """Reach the stored lead through the channels in order; contact points given replace the stored ones for
        this message alone."""
        contact = {name: value for name, value in (("email", email), ("linkedin_url", _profile_url(linkedin_id)),
                                                   ("contact_form_url", form_url)) if value}
        with unit_of_work(self.sessions) as db:
            self._store(db, msg, contact)
        status = await deliver_now(self.sessions, msg.id, self.registry, clock=self.clock, policies=self.policies,
                                   rand=self._rand, retry_sleep=self._sleep, settings=self.settings)
        with self.sessions() as db:
            stored = db.get(OutreachMessageDB, msg.id)
            channel = stored.channel if stored is not None else None
            if channel is not None:
                msg.channel = channel
            return SequenceResult(status, channel if status in REACHED else None, attempts_of(db, msg.id))

    def _store(self, db: Session, msg: OutreachMessage, contact: dict[str, str]) -> None:
        """Store the message, or start a stored one over from the first channel (the sequence executed again)."""
        now = self.clock.now()
        lead = db.get(LeadDB, msg.lead_id)
        if lead is None:
            raise LeadNotFound(msg.lead_id)
        stored = db.get(OutreachMessageDB, msg.id)
        if stored is None:
            messages.create(db, lead_id=lead.id, body=msg.body, subject=msg.subject, now=now, channels=self.order,
                            campaign_id=msg.campaign_id, step=msg.sequence_step, variant=msg.template_variant,
                            mailbox=msg.mailbox, html_body=msg.html_body, grade=lead.grade, message_id=msg.id,
                            contact=contact)
            return
        if stored.status not in FINAL_STATUSES and stored.status is not MessageStatus.PENDING:
            raise MessageStateError(f"message {msg.id} is {stored.status.value}: it is being sent now")
        messages.set_status(stored, MessageStatus.PENDING, now)
        stored.channel_order = [channel.value for channel in self.order]
        stored.channel_index, stored.channel_attempts, stored.channel = 0, 0, self.order[0]
        stored.contact_override = contact or None
        stored.next_attempt_at, stored.lease_owner, stored.lease_expires_at = now, None, None


def attempts_of(db: Session, message_id: str) -> list[SendResult]:
    """The message's attempts in the order they were made, each with what it revealed."""
    events = {attempt: kind for attempt, kind in db.execute(select(DeliveryEventDB.attempt_id, DeliveryEventDB.kind)
              .where(DeliveryEventDB.message_id == message_id, DeliveryEventDB.attempt_id.is_not(None)))}
    rows = db.scalars(select(OutreachAttemptDB).where(OutreachAttemptDB.message_id == message_id)
                      .order_by(OutreachAttemptDB.id))
    return [SendResult(status=row.status, channel=row.channel, detail=row.detail or "", error_kind=row.error_kind,
                       provider_message_id=row.provider_message_id, duration_ms=row.duration_ms or 0.0,
                       event=events.get(row.id), target=row.target, target_domain=row.target_domain,
                       response_code=row.response_code) for row in rows]


def _profile_url(linkedin_id: str | None) -> str | None:
    """A LinkedIn profile URL from a URL or a bare public identifier."""
    if not linkedin_id:
        return None
    if "/" in linkedin_id:
        return linkedin_id
    return f"https://www.linkedin.com/in/{linkedin_id}/"
