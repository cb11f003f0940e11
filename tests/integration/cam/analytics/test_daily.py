"""The daily series on a real database (SQLite and PostgreSQL), from histories written by the send engine's and
the inbox's own recording code: each figure falls on the UTC day it happened, whatever the session's time zone."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.analytics.daily import SERIES, DailySeries
from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, SmtpSecurity
from aicmo.cam.outreach.models import OutreachMessageDB
from tests.factories import make_lead
from tests.support.history import answered, refused, sent

DAY1 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
DAY2_LATE = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # the next day already east of UTC
DAY3_EARLY = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)  # still the day before west of UTC
E, L = Channel.EMAIL, Channel.LINKEDIN
CAMPAIGN = {"name": "Daily", "steps": [{"body": "Hi"}]}


def figures(series: DailySeries) -> list[tuple[object, ...]]:
    return [(day.day.isoformat(), *(getattr(day, name) for name in SERIES)) for day in series.days]


def lead(db: Session, number: int) -> int:
    return ops.create_lead(db, LeadCreate(**make_lead(first_name=f"Lead{number}", email=f"lead{number}@co{number}.io",
                                                      website=f"https://co{number}.io"))).id


def message(db: Session, lead_id: int, campaign_id: int | None) -> OutreachMessageDB:
    return messages.create(db, lead_id=lead_id, body="Hi", subject="Hello", now=DAY1, campaign_id=campaign_id,
                           step=0, channels=[E, L], variant=None, grade="A")


@pytest.fixture
def campaign_id(db: Session) -> int:
    ops.add_mailbox(db, {"name": "sales", "from_address": "sales@seller.example", "smtp_host": "127.0.0.1",
                         "smtp_port": 2525, "smtp_security": SmtpSecurity.NONE})
    campaign = ops.create_campaign(db, CAMPAIGN).id
    other = ops.create_campaign(db, CAMPAIGN | {"name": "Other"}).id
    interested, bounced, refused_lead, outsider = (lead(db, number) for number in range(1, 5))

    first = message(db, interested, campaign)
    sent(db, first, DAY1, mailbox="sales")
    answered(db, first, InboundKind.DELIVERED, DAY1 + timedelta(minutes=1))
    answered(db, first, InboundKind.REPLY, DAY2_LATE, text="Sounds interesting, can we book a call next week?")

    second = message(db, bounced, campaign)
    sent(db, second, DAY1, mailbox="sales")
    answered(db, second, InboundKind.BOUNCE, DAY2_LATE, hard=True)  # the DSN: it falls back to LinkedIn
    sent(db, second, DAY2_LATE)

    third = message(db, refused_lead, campaign)
    refused(db, third, DAY1, mailbox="sales")  # 550 at RCPT: a bounce, not a send
    sent(db, third, DAY1)

    elsewhere = message(db, outsider, other)  # another campaign's send, reply and meeting never count here
    sent(db, elsewhere, DAY1, mailbox="sales")
    answered(db, elsewhere, InboundKind.REPLY, DAY2_LATE, text="Interesting, can we book a call on Monday?")
    answered(db, elsewhere, InboundKind.COMPLAINT, DAY3_EARLY)  # the mailbox's, not a series of the campaign
    db.commit()
    for lead_id in (interested, outsider):
        ops.add_outcome(db, OutcomeCreate(lead_id=lead_id, kind=OutcomeKind.MEETING, occurred_at=DAY3_EARLY))
    ops.add_outcome(db, OutcomeCreate(lead_id=bounced, kind=OutcomeKind.MEETING,
                                      occurred_at=DAY3_EARLY + timedelta(days=30)))  # after the window
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SET TIME ZONE 'Asia/Tokyo'"))  # days are UTC days, not the session's
    return campaign


def test_counts_each_figure_on_the_utc_day_it_happened(db: Session, campaign_id: int) -> None:
    series = ops.get_campaign_daily(db, campaign_id, days=4, last=date(2026, 11, 26))
    #                   day,        sent, delivered, replied, positive, meetings, bounced
    assert figures(series) == [("2026-11-23", 0, 0, 0, 0, 0, 0),
                               ("2026-11-24", 3, 1, 0, 0, 0, 1),
                               ("2026-11-25", 1, 0, 1, 1, 0, 1),
                               ("2026-11-26", 0, 0, 0, 0, 1, 0)]
    assert (series.campaign_id, series.first, series.last) == (campaign_id, date(2026, 11, 23), date(2026, 11, 26))


def test_the_days_add_up_to_the_campaign_report(db: Session, campaign_id: int) -> None:
    series = ops.get_campaign_daily(db, campaign_id, days=10, last=date(2026, 11, 30))
    total = ops.get_campaign_report(db, campaign_id).total
    assert sum(day.sent for day in series.days) == total.sent
    assert sum(day.replied for day in series.days) == total.replied
    assert sum(day.positive_replies for day in series.days) == total.positive_replies
    assert sum(day.bounced for day in series.days) == total.bounced


def test_trends_sum_every_campaign_per_week(db: Session, campaign_id: int) -> None:
    weeks = ops.get_trends(db, weeks=2, last=date(2026, 11, 29))
    # Monday 2026-11-16 and Monday 2026-11-23; the other campaign's send, reply and meeting count too.
    assert [(week.day.isoformat(), week.sent, week.replied, week.positive_replies, week.meetings, week.bounced)
            for week in weeks] == [("2026-11-16", 0, 0, 0, 0, 0), ("2026-11-23", 5, 2, 2, 2, 2)]


def test_mailbox_days_count_sends_bounces_and_complaints_as_the_guard_does(db: Session, campaign_id: int) -> None:
    (sales,) = ops.get_mailbox_daily(db, days=3, last=date(2026, 11, 26))
    assert [(d.day.isoformat(), d.sends, d.bounces, d.complaints) for d in sales.days] == [
        ("2026-11-24", 4, 1, 0), ("2026-11-25", 0, 1, 0), ("2026-11-26", 0, 0, 1)]
    assert sales.days[0].bounce_rate == pytest.approx(1 / 4)
    assert (sales.days[1].bounce_rate, sales.days[2].complaint_rate) == (0.0, 0.0)  # nothing sent: no rate
    assert (sales.bounce_threshold, sales.complaint_threshold) == (0.05, 0.003)


def test_grade_distribution_lists_every_grade_then_the_ungraded(db: Session, campaign_id: int) -> None:
    grades = {row.grade: row.leads for row in ops.get_grade_distribution(db)}
    assert list(grades) == ["A", "B", "C", "D", "ungraded"]
    assert sum(grades.values()) == 4
