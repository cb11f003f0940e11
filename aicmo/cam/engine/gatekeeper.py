"""Whether a message may go out on a channel now: the channel can reach the lead, the send window is open,
and a slot under every rate limit is reserved (on a sender mailbox that still has room, for email)."""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.limits.rules import ChannelLimits, Decision, SendScope, limits_for, warmup_cap
from aicmo.cam.limits.store import RateLimiter, Reservation
from aicmo.cam.outreach.attempts import policy_refusers
from aicmo.cam.outreach.domain import Channel
from aicmo.cam.outreach.email.channel import EmailOutreachService
from aicmo.cam.outreach.models import MailboxDB, OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.sequences import windows
from aicmo.cam.sequences.models import SequenceConfigDB

T = TypeVar("T")
CACHE_SECONDS = 2.0


@dataclass(frozen=True)
class Admit:
    reservation: Reservation
    mailbox: str | None


@dataclass(frozen=True)
class Wait:
    until: datetime
    reason: str


class Gatekeeper:
    def __init__(self, limiter: RateLimiter, registry: ChannelRegistry) -> None:
        self.limiter = limiter
        self.registry = registry
        # Mailbox rows and campaign windows, re-read every few seconds rather than for every message.
        self._cache: dict[object, tuple[float, Any]] = {}

    def cached(self, key: object, load: Callable[[], T]) -> T:
        hit = self._cache.get(key)
        if hit is None or time.monotonic() > hit[0]:
            hit = (time.monotonic() + CACHE_SECONDS, load())
            self._cache[key] = hit
        return cast(T, hit[1])

    def forget(self, key: object) -> None:
        """Read this again next time: it changed here (a mailbox paused)."""
        self._cache.pop(key, None)

    def skip_reason(self, channel: Channel, limits: ChannelLimits, lead: LeadRead) -> str | None:
        """Why this channel is passed over for this lead, or None."""
        if not limits.enabled:
            return f"the {channel.value} channel is disabled"
        service = self.registry.get(channel)
        if service is None:
            return f"the {channel.value} channel is not configured"
        return service.can_reach(lead)

    def admit(self, db: Session, message: OutreachMessageDB, lead: LeadDB, campaign: CampaignDB | None,
              channel: Channel, all_limits: dict[str, ChannelLimits], now: datetime) -> Admit | Wait:
        closed = self._window_wait(db, message, lead, campaign, now)
        if closed is not None:
            return closed
        mailboxes: list[tuple[str | None, int | None]] = [(None, None)]
        if channel is Channel.EMAIL:
            mailboxes = self._mailboxes(db, message, now)
            if not mailboxes:
                return Wait(now + timedelta(hours=1), "no enabled, unpaused mailbox to send from")
        waits: list[Decision] = []
        for name, cap in mailboxes:
            scope = SendScope(channel=channel.value, lead_id=lead.id, company_domain=_domain(lead), mailbox=name,
                              mailbox_daily_cap=cap)
            limits, gates = limits_for(scope, all_limits[channel.value], all_limits["all"])
            outcome = self.limiter.reserve(db, limits, gates, now)
            if isinstance(outcome, Reservation):
                return Admit(outcome, name)
            waits.append(outcome)
        soonest = min(waits, key=lambda d: d.retry_at or now)
        return Wait(max(soonest.retry_at or now, now + timedelta(seconds=1)), f"rate limited: {soonest.blocked_by}")

    def _window_wait(self, db: Session, message: OutreachMessageDB, lead: LeadDB, campaign: CampaignDB | None,
                     now: datetime) -> Wait | None:
        if campaign is None:
            return None  # a message sent by hand goes now
        stored = self.cached(("window", campaign.id), lambda: db.scalar(
            select(SequenceConfigDB.send_window).where(SequenceConfigDB.campaign_id == campaign.id)))
        if stored is not None and stored.get("always"):
            return None
        window = windows.SendWindow.from_dict(stored) if stored else windows.DEFAULT_WINDOW
        zone = windows.lead_zone(lead.time_zone, lead.country, window.timezone)
        country = windows.country_code(lead.country)
        if windows.is_open(window, now, zone, country):
            return None
        slot = windows.spread_slot(window, now, zone, country, key=f"{message.id}:{message.channel_attempts}")
        return Wait(slot, "outside the send window")

    def other_mailbox(self, db: Session, message_id: str) -> bool:
        """Whether a sender mailbox that has not refused the message for policy may still send it."""
        service = self.registry.get(Channel.EMAIL)
        if not isinstance(service, EmailOutreachService):
            return False
        return bool({m.name for m in service.mailboxes if m.available} - policy_refusers(db, message_id))

    def _mailboxes(self, db: Session, message: OutreachMessageDB, now: datetime) -> list[tuple[str | None, int | None]]:
        """Sender mailboxes to try, each with its daily cap for today; rotated per message to share the load."""
        service = self.registry.get(Channel.EMAIL)
        if not isinstance(service, EmailOutreachService):
            return []
        known = {m.name for m in service.mailboxes if m.available}
        rows = self.cached("mailboxes", lambda: db.execute(
            select(MailboxDB.name, MailboxDB.daily_cap, MailboxDB.warmup_start, MailboxDB.warmup_increment,
                   MailboxDB.warmup_started_at)
            .where(MailboxDB.enabled.is_(True), MailboxDB.paused_at.is_(None)).order_by(MailboxDB.id)).all())
        # A message tried before may have been refused for policy by some mailboxes: never again from those.
        refused = policy_refusers(db, message.id) if message.attempts else set()
        choices: list[tuple[str | None, int | None]] = [
            (row.name, warmup_cap(row.daily_cap, row.warmup_start, row.warmup_increment, row.warmup_started_at, now))
            for row in rows if row.name in known and row.name not in refused
            and (message.mailbox is None or row.name == message.mailbox)]
        if len(choices) > 1:
            turn = int.from_bytes(hashlib.blake2b(message.id.encode(), digest_size=4).digest(), "big") % len(choices)
            choices = choices[turn:] + choices[:turn]
        return choices


def _domain(lead: LeadDB) -> str | None:
    if lead.company_domain:
        return lead.company_domain
    return lead.email.rpartition("@")[2] if lead.email else None
