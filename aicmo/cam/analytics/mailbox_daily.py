"""Each mailbox's bounce and complaint rates day by day (UTC), counted as the deliverability guard counts them:
sends are email attempts the receiving server answered (accepted, or refused on the spot as a hard bounce),
bounces are hard bounces, complaints are feedback reports, each on the day it happened."""

from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel, computed_field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo.cam.analytics.days import day_of, each_day
from aicmo.cam.outreach.domain import Channel, EventKind, SendStatus
from aicmo.cam.outreach.models import DeliveryEventDB as E
from aicmo.cam.outreach.models import MailboxDB
from aicmo.cam.outreach.models import OutreachAttemptDB as A


class MailboxDay(BaseModel):
    day: date
    sends: int = 0
    bounces: int = 0
    complaints: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def bounce_rate(self) -> float:
        return self.bounces / self.sends if self.sends else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def complaint_rate(self) -> float:
        return self.complaints / self.sends if self.sends else 0.0


class MailboxDaily(BaseModel):
    name: str
    bounce_threshold: float  # the guard pauses the mailbox above these rates
    complaint_threshold: float
    days: list[MailboxDay]  # every day of the window, in order


def mailbox_daily(db: Session, *, first: date, last: date, bounce_threshold: float,
                  complaint_threshold: float) -> list[MailboxDaily]:
    """Every mailbox, in the order they were added, with its sends, bounces and complaints per day."""
    since = datetime.combine(first, time(), UTC)
    until = datetime.combine(last + timedelta(days=1), time(), UTC)
    figures: dict[tuple[int | None, date], MailboxDay] = {}

    def add(mailbox_id: int | None, day: date | str, name: str, count: int) -> None:
        when = date.fromisoformat(day) if isinstance(day, str) else day
        row = figures.setdefault((mailbox_id, when), MailboxDay(day=when))
        setattr(row, name, getattr(row, name) + count)

    sent_day = day_of(A.started_at)
    for mailbox_id, day, count in db.execute(
            select(A.mailbox_id, sent_day, func.count()).where(
                A.mailbox_id.is_not(None), A.channel == Channel.EMAIL, A.status == SendStatus.SENT,
                A.started_at >= since, A.started_at < until).group_by(A.mailbox_id, sent_day)):
        add(mailbox_id, day, "sends", count)
    event_day = day_of(E.occurred_at)
    refused = E.attempt_id.is_not(None)
    for mailbox_id, day, kind, on_the_spot, count in db.execute(
            select(E.mailbox_id, event_day, E.kind, refused, func.count()).where(
                E.mailbox_id.is_not(None), E.kind.in_((EventKind.HARD_BOUNCE, EventKind.COMPLAINT)),
                E.occurred_at >= since, E.occurred_at < until).group_by(E.mailbox_id, event_day, E.kind, refused)):
        bounce = EventKind(kind) is EventKind.HARD_BOUNCE
        add(mailbox_id, day, "bounces" if bounce else "complaints", count)
        if bounce and on_the_spot:
            add(mailbox_id, day, "sends", count)
    return [MailboxDaily(name=name, bounce_threshold=bounce_threshold, complaint_threshold=complaint_threshold,
                         days=[figures.get((mailbox_id, day), MailboxDay(day=day)) for day in each_day(first, last)])
            for mailbox_id, name in db.execute(select(MailboxDB.id, MailboxDB.name).order_by(MailboxDB.id))]
