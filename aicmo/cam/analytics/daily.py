"""What happened to a campaign's messages day by day (UTC), counted where and when it happened, as in
aicmo.cam.analytics.counts: sends by their attempts, deliveries, replies and bounces by their events, positive
replies and meetings by their outcomes. Days with nothing are zeros, so a chart's x axis is every day."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from aicmo.cam.analytics.days import day_of, each_day, week_of
from aicmo.cam.outcomes.models import OutcomeDB, OutcomeKind
from aicmo.cam.outreach.domain import EventKind, SendStatus
from aicmo.cam.outreach.models import DeliveryEventDB as E
from aicmo.cam.outreach.models import OutreachAttemptDB as A
from aicmo.cam.outreach.models import OutreachMessageDB as M

SERIES = ("sent", "delivered", "replied", "positive_replies", "meetings", "bounced")
LABELS = {"sent": "sent", "delivered": "delivered", "replied": "replies", "positive_replies": "positive replies",
          "meetings": "meetings", "bounced": "bounces"}
_EVENTS = {EventKind.DELIVERED: "delivered", EventKind.REPLY: "replied", EventKind.HARD_BOUNCE: "bounced",
           EventKind.SOFT_BOUNCE: "bounced"}


class DayCounts(BaseModel):
    """One day (or the week starting that day): sends a channel accepted, deliveries, replies, positive replies,
    meetings and bounces (hard and soft, on the spot or later)."""

    day: date
    sent: int = 0
    delivered: int = 0
    replied: int = 0
    positive_replies: int = 0
    meetings: int = 0
    bounced: int = 0


class DailySeries(BaseModel):
    campaign_id: int | None  # None: every message, with a campaign or without
    first: date
    last: date
    days: list[DayCounts]  # every day from first to last, in order

    def weekly(self) -> list[DayCounts]:
        """The same figures summed per ISO week, each keyed by its Monday."""
        weeks: dict[date, DayCounts] = {}
        for day in self.days:
            week = weeks.setdefault(week_of(day.day), DayCounts(day=week_of(day.day)))
            for name in SERIES:
                setattr(week, name, getattr(week, name) + getattr(day, name))
        return list(weeks.values())


@dataclass(frozen=True)
class _Window:
    campaign_id: int | None
    since: datetime
    until: datetime

    def scoped(self, query: Any, when: Any, *, by_message: bool = True) -> Any:
        if self.campaign_id is not None and by_message:
            query = query.where(M.campaign_id == self.campaign_id)
        return query.where(when >= self.since, when < self.until)


def _sends(db: Session, window: _Window) -> Any:
    query = select(day_of(A.started_at), func.count()).select_from(A).join(M, M.id == A.message_id).where(
        A.status == SendStatus.SENT)
    return db.execute(window.scoped(query, A.started_at).group_by(day_of(A.started_at)))


def _events(db: Session, window: _Window) -> Any:
    query = select(day_of(E.occurred_at), E.kind, func.count()).select_from(E).join(M, M.id == E.message_id).where(
        E.kind.in_(tuple(_EVENTS)))
    return db.execute(window.scoped(query, E.occurred_at).group_by(day_of(E.occurred_at), E.kind))


def _outcomes(db: Session, window: _Window, kind: OutcomeKind) -> Any:
    day = day_of(OutcomeDB.occurred_at)
    query = select(day, func.count()).select_from(OutcomeDB).where(OutcomeDB.kind == kind)
    if kind is OutcomeKind.POSITIVE_REPLY:  # the reply's message tells the campaign
        query = window.scoped(query.join(M, M.id == OutcomeDB.message_id), OutcomeDB.occurred_at)
    else:  # a meeting is the lead's: it counts for a campaign that wrote to the lead, as attribution scopes it
        query = window.scoped(query, OutcomeDB.occurred_at, by_message=False)
        if window.campaign_id is not None:
            wrote = aliased(M)
            query = query.where(exists().where(wrote.campaign_id == window.campaign_id,
                                               wrote.lead_id == OutcomeDB.lead_id))
    return db.execute(query.group_by(day))


def daily_series(db: Session, *, campaign_id: int | None, first: date, last: date) -> DailySeries:
    """Per UTC day from first to last (both included), what happened to the campaign's messages (or to all)."""
    window = _Window(campaign_id, datetime.combine(first, time(), UTC),
                     datetime.combine(last + timedelta(days=1), time(), UTC))
    days = {day: DayCounts(day=day) for day in each_day(first, last)}

    def add(day: date | str, name: str, count: int) -> None:
        target = days[date.fromisoformat(day) if isinstance(day, str) else day]
        setattr(target, name, getattr(target, name) + count)

    for day, count in _sends(db, window):
        add(day, "sent", count)
    for day, kind, count in _events(db, window):
        add(day, _EVENTS[EventKind(kind)], count)
    for kind, name in ((OutcomeKind.POSITIVE_REPLY, "positive_replies"), (OutcomeKind.MEETING, "meetings")):
        for day, count in _outcomes(db, window, kind):
            add(day, name, count)
    return DailySeries(campaign_id=campaign_id, first=first, last=last, days=list(days.values()))
