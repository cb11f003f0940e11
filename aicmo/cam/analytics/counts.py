"""What happened, counted where and when it happened: every attempt and every event once, under the channel,
step, variant and grade it belongs to.

A message's status only says where it is now (an email that hard-bounced and fell back to LinkedIn is "sent" on
LinkedIn); its attempts and events keep the history. So the channel of a figure is the channel of its attempt or
event (a bounce stays on email), its step, variant and grade are the message's, and its time is when it happened.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import QueryableAttribute, Session

from aicmo.cam.outcomes.models import OutcomeDB, OutcomeKind
from aicmo.cam.outreach.domain import EventKind, MessageStatus, SendStatus
from aicmo.cam.outreach.models import DeliveryEventDB as E
from aicmo.cam.outreach.models import OutreachAttemptDB as A
from aicmo.cam.outreach.models import OutreachMessageDB as M

QUEUED = (MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.SENDING)
STOPPED = (MessageStatus.CANCELLED, MessageStatus.SKIPPED)
BREAKDOWNS = ("channel", "step", "variant", "grade")
EACH = tuple((breakdown,) for breakdown in BREAKDOWNS)
_EVENT_FIELDS = {EventKind.DELIVERED: "delivered", EventKind.REPLY: "replied", EventKind.HARD_BOUNCE: "hard_bounced",
                 EventKind.SOFT_BOUNCE: "soft_bounced", EventKind.COMPLAINT: "complaints",
                 EventKind.UNSUBSCRIBE: "unsubscribes", EventKind.AUTO_REPLY: "auto_replies",
                 EventKind.POLICY_REJECTION: "policy_rejections"}


@dataclass
class Tally:
    """The figures of one group. Messages, queued and stopped are messages by their status now; the rest count
    attempts and events."""

    messages: int = 0
    queued: int = 0
    stopped: int = 0
    sent: int = 0  # attempts a channel accepted (an email server took it, a form was posted, a LinkedIn step done)
    handed_over: int = 0  # attempts waiting on a person or an automation (LinkedIn and form tasks)
    failed: int = 0  # attempts that did not go out, refusals by the receiving server included
    refused: int = 0  # of those, refused on the spot as a hard bounce
    delivered: int = 0
    replied: int = 0
    positive_replies: int = 0
    auto_replies: int = 0
    hard_bounced: int = 0
    soft_bounced: int = 0
    policy_rejections: int = 0
    complaints: int = 0
    unsubscribes: int = 0

    def add(self, name: str, count: int) -> None:
        setattr(self, name, getattr(self, name) + count)


@dataclass
class Counts:
    """Tallies per breakdown key: `groups[("channel",)][("email",)]`, and the whole in `total`."""

    total: Tally = field(default_factory=Tally)
    groups: dict[tuple[str, ...], dict[tuple[str, ...], Tally]] = field(default_factory=dict)

    def add(self, keys: dict[str, str], name: str, count: int, breakdowns: Iterable[tuple[str, ...]]) -> None:
        self.total.add(name, count)
        for breakdown in breakdowns:
            key = tuple(keys[part] for part in breakdown)
            self.groups.setdefault(breakdown, {}).setdefault(key, Tally()).add(name, count)


def _keys(channel: Any, step: int | None, variant: str | None, grade: str | None) -> dict[str, str]:
    return {"channel": getattr(channel, "value", channel) or "none",
            "step": f"step {(step or 0) + 1}",
            "variant": f"step {(step or 0) + 1}" + (f" / {variant}" if variant else ""),
            "grade": grade or "ungraded"}


Ts = TypeVarTuple("Ts")


def _scoped(query: Select[*Ts], when: QueryableAttribute[datetime] | ColumnElement[datetime],
            campaign_id: int | None, since: datetime | None, until: datetime | None) -> Select[*Ts]:
    if campaign_id is not None:
        query = query.where(M.campaign_id == campaign_id)
    if since is not None:
        query = query.where(when >= since)
    if until is not None:
        query = query.where(when < until)
    return query


def count_activity(db: Session, *, campaign_id: int | None = None, since: datetime | None = None,
                   until: datetime | None = None, breakdowns: Sequence[tuple[str, ...]] = EACH) -> Counts:
    """Attempts and events in [since, until) of one campaign's messages (or all), and its messages by status."""
    counts = Counts(groups={breakdown: {} for breakdown in breakdowns})
    parts = (M.sequence_step, M.template_variant, M.lead_grade)

    messages = _scoped(select(M.channel, *parts, M.status, func.count()).group_by(M.channel, *parts, M.status),
                       M.created_at, campaign_id, since, until)
    for channel, step, variant, grade, status, count in db.execute(messages):
        keys = _keys(channel, step, variant, grade)
        counts.add(keys, "messages", count, breakdowns)
        if status in QUEUED or status in STOPPED:
            counts.add(keys, "queued" if status in QUEUED else "stopped", count, breakdowns)

    attempts = _scoped(select(A.channel, *parts, A.status, func.count()).select_from(A).join(M, M.id == A.message_id)
                       .group_by(A.channel, *parts, A.status), A.started_at, campaign_id, since, until)
    by_status = {SendStatus.SENT: "sent", SendStatus.PENDING: "handed_over", SendStatus.FAILED: "failed"}
    for attempt_channel, step, variant, grade, attempt_status, count in db.execute(attempts):
        if (name := by_status.get(SendStatus(attempt_status))) is not None:
            counts.add(_keys(attempt_channel, step, variant, grade), name, count, breakdowns)

    about = func.coalesce(E.channel, M.channel)
    on_the_spot = E.attempt_id.is_not(None)
    events = _scoped(select(about, *parts, E.kind, on_the_spot, func.count()).select_from(E)
                     .join(M, M.id == E.message_id)
                     .group_by(about, *parts, E.kind, on_the_spot), E.occurred_at, campaign_id, since, until)
    for event_channel, step, variant, grade, kind, refused, count in db.execute(events):
        keys = _keys(event_channel, step, variant, grade)
        counts.add(keys, _EVENT_FIELDS[EventKind(kind)], count, breakdowns)
        if refused and EventKind(kind) is EventKind.HARD_BOUNCE:
            counts.add(keys, "refused", count, breakdowns)

    positive = _scoped(select(M.channel, *parts, func.count()).select_from(OutcomeDB)
                       .join(M, M.id == OutcomeDB.message_id)
                       .where(OutcomeDB.kind == OutcomeKind.POSITIVE_REPLY).group_by(M.channel, *parts),
                       OutcomeDB.occurred_at, campaign_id, since, until)
    for message_channel, step, variant, grade, count in db.execute(positive):
        counts.add(_keys(message_channel, step, variant, grade), "positive_replies", count, breakdowns)
    return counts
