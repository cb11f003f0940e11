"""ChannelSequencer: reach one lead now, channel after channel (Email → LinkedIn → Contact form by default).

TRANSIENT failures retry the same channel with exponential backoff and full jitter, then fall back;
CHANNEL_FAILED falls back at once; FATAL stops. Every attempt is returned, and stored when a database is given.
The worker (`aicmo worker`) applies the same rules durably, one attempt per claim; this class is for sending
to one lead from code.
"""

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.leads.enums import EmailStatus, LeadStatus, LinkedInStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.attempts import record_attempt
from aicmo.cam.outreach.domain import (
    Channel,
    ErrorKind,
    EventKind,
    MessageStatus,
    OutreachMessage,
    SendResult,
    SendStatus,
)
from aicmo.cam.outreach.messages import DEFAULT_CHANNEL_ORDER
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.sequences.rules import Move, Progress, RetryPolicy, after_attempt, stop_reason
from aicmo.cam.suppression import checks as suppression
from aicmo.db.base import utcnow
from aicmo.db.engine import unit_of_work


@dataclass
class SequenceResult:
    status: MessageStatus
    channel: Channel | None  # the channel that carried the message, if one did
    attempts: list[SendResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status is MessageStatus.SENT


class ChannelSequencer:
    def __init__(self, registry: ChannelRegistry | None = None, *, sessions: sessionmaker[Session] | None = None,
                 order: Sequence[Channel] = DEFAULT_CHANNEL_ORDER, policies: dict[Channel, RetryPolicy] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 rand: Callable[[], float] = random.random) -> None:
        """Without arguments: the configured database and every channel configured in the settings."""
        if sessions is None and registry is None:
            from aicmo.bootstrap import session_factory
            sessions = session_factory()
        if registry is None:
            from aicmo.cam.outreach.channels import build_registry
            assert sessions is not None
            registry = build_registry(sessions)
        self.registry, self.sessions, self.order = registry, sessions, tuple(order)
        self.policies = policies or {}
        self._sleep, self._rand = sleep, rand

    def execute_sequence(self, msg: OutreachMessage, email: str | None = None, linkedin_id: str | None = None,
                         form_url: str | None = None) -> SequenceResult:
        """Reach the lead through the channels in order; the contact points given override the stored ones."""
        return asyncio.run(self.aexecute_sequence(msg, email, linkedin_id, form_url))

    async def aexecute_sequence(self, msg: OutreachMessage, email: str | None = None, linkedin_id: str | None = None,
                                form_url: str | None = None) -> SequenceResult:
        lead = self._lead(msg.lead_id, email, linkedin_id, form_url)
        result = SequenceResult(MessageStatus.FAILED, None)
        index, retries, tried, bounced = 0, 0, False, False
        while True:
            channel = self.order[index]
            attempt = await self._attempt(msg, channel, lead)
            result.attempts.append(attempt)
            self._record(msg, attempt)
            tried = tried or attempt.status is not SendStatus.SKIPPED
            bounced = bounced or attempt.event is EventKind.HARD_BOUNCE
            step = after_attempt(Progress(index, len(self.order), retries, bounced, tried), attempt.status,
                                 attempt.error_kind, self.policies.get(channel, RetryPolicy()), self._rand)
            if step.move is Move.RETRY:
                retries += 1
                await self._sleep(step.delay.total_seconds())
            elif step.move is Move.NEXT_CHANNEL:
                index, retries = step.channel_index, 0
            else:
                assert step.status is not None
                result.status = step.status
                result.channel = channel if step.status is MessageStatus.SENT else None
                return result

    async def _attempt(self, msg: OutreachMessage, channel: Channel, lead: LeadRead) -> SendResult:
        stopped = self._stop_reason(lead)
        if stopped is not None:
            return SendResult.failed(channel, ErrorKind.FATAL, stopped)
        service = self.registry.get(channel)
        if service is None:
            return SendResult(SendStatus.SKIPPED, channel, detail=f"the {channel.value} channel is not configured")
        reason = service.can_reach(lead)
        if reason is not None:
            return SendResult(SendStatus.SKIPPED, channel, detail=reason)
        msg.channel = channel
        try:
            return await service.send(msg, lead)
        except Exception as exc:  # a channel bug is a failed attempt, not a lost sequence
            return SendResult.failed(channel, ErrorKind.TRANSIENT, f"channel error: {type(exc).__name__}: {exc}")

    def _stop_reason(self, lead: LeadRead) -> str | None:
        """Checked before every attempt: an unsubscribe or a suppression may arrive mid-sequence."""
        if self.sessions is None:
            return None
        with unit_of_work(self.sessions) as db:
            stored = db.get(LeadDB, lead.id)
            status = stored.status if stored is not None else lead.status
            return stop_reason(status) or suppression.reason_for(db, lead)

    def _lead(self, lead_id: int, email: str | None, linkedin_id: str | None, form_url: str | None) -> LeadRead:
        given = {k: v for k, v in (("email", email), ("linkedin_url", _profile_url(linkedin_id)),
                                   ("contact_form_url", form_url)) if v}
        if self.sessions is not None:
            with unit_of_work(self.sessions) as db:
                stored = db.get(LeadDB, lead_id)
                if stored is not None:
                    # Contact points we were given fill the stored lead's gaps (channels read the stored lead).
                    for name, value in given.items():
                        if not getattr(stored, name):
                            setattr(stored, name, value)
                    return LeadRead.model_validate(stored).model_copy(update=given)
        now = utcnow()
        return LeadRead.model_validate({
            "id": lead_id, "first_name": None, "last_name": None, "email": None, "email_status": EmailStatus.UNKNOWN,
            "title": None, "seniority": None, "department": None, "company_name": None, "company_domain": None,
            "company_size": None, "industry": None, "website": None, "linkedin_url": None, "contact_form_url": None,
            "phone": None, "city": None, "country": None, "time_zone": None, "source": None, "tags": [],
            "custom_fields": {}, "status": LeadStatus.NEW, "grade": None, "score": None, "grade_reasons": [],
            "graded_at": None, "last_outreach_at": None, "linkedin_status": LinkedInStatus.NONE,
            "created_at": now, "updated_at": now, **given})

    def _record(self, msg: OutreachMessage, attempt: SendResult) -> None:
        if self.sessions is None:
            return
        with unit_of_work(self.sessions) as db:
            if db.get(LeadDB, msg.lead_id) is not None:
                record_attempt(db, msg, attempt)


def _profile_url(linkedin_id: str | None) -> str | None:
    """A LinkedIn profile URL from a URL or a bare public identifier."""
    if not linkedin_id:
        return None
    if "/" in linkedin_id:
        return linkedin_id
    return f"https://www.linkedin.com/in/{linkedin_id}/"
