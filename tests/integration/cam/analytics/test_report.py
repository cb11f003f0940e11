"""campaign_report on a real database: messages in every status, across two channels, two grades and two variants.

A message counts under the grade its lead had when the message was written (campaign flows store it)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.analytics.service import CampaignReport, Funnel, campaign_report
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, MessageStatus
from tests.factories import make_lead

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
S = MessageStatus
CAMPAIGN = {"name": "Report", "steps": [{"body": "Hi", "variants": [{"name": "a", "body": "A"},
                                                                  {"name": "b", "body": "B"}]},
                                        {"channels": ["linkedin"], "body": "Connect?"}]}
# (lead's grade, step, variant, channel, status): every status once at least, no group the same as another.
ROWS = [
    *[("A", 0, "a", Channel.EMAIL, s) for s in (S.SENT, S.DELIVERED, S.REPLIED, S.BOUNCED)],
    *[("B", 0, "b", Channel.EMAIL, s) for s in (S.PENDING, S.QUEUED, S.SENDING, S.FAILED)],
    *[("A", 1, None, Channel.LINKEDIN, s) for s in (S.CANCELLED, S.SKIPPED, S.SENT, S.REPLIED)],
]
COUNTS = ("messages", "queued", "reached", "delivered", "replied", "bounced", "failed", "stopped")


def counts(funnel: Funnel) -> tuple[str | None, dict[str, int]]:
    return funnel.key, {name: getattr(funnel, name) for name in COUNTS}


def rates(funnel: Funnel) -> tuple[float, float]:
    return funnel.reply_rate, funnel.bounce_rate


def lead_graded(db: Session, number: int, grade: str) -> int:
    lead = ops.create_lead(db, LeadCreate(**make_lead(first_name=f"Lead{number}", email=f"lead{number}@north.io")))
    stored = db.get(LeadDB, lead.id)
    assert stored is not None
    stored.grade = grade
    return lead.id


@pytest.fixture
def report(db: Session) -> CampaignReport:
    campaign = ops.create_campaign(db, CAMPAIGN)
    other = ops.create_campaign(db, CAMPAIGN | {"name": "Another"})
    # A campaign writes one message per lead and step: each row is a lead of its own.
    for number, (grade, step, variant, channel, status) in enumerate(ROWS):
        message = messages.create(db, lead_id=lead_graded(db, number, grade), body="Hi", subject=None, now=NOW,
                                  campaign_id=campaign.id, step=step, channels=[channel], variant=variant,
                                  grade=grade)  # as a campaign writes it: the lead's grade at the time
        messages.set_status(message, status, NOW)
    # Neither another campaign's message nor one sent by hand may count.
    lead_id = lead_graded(db, len(ROWS), "A")
    for campaign_id, status in ((other.id, S.REPLIED), (None, S.BOUNCED)):
        messages.set_status(messages.create(db, lead_id=lead_id, body="Hi", subject=None, now=NOW,
                                            campaign_id=campaign_id), status, NOW)
    db.commit()
    return campaign_report(db, campaign.id)


def test_counts_every_message_of_the_campaign_once_by_where_it_ended_up(report: CampaignReport) -> None:
    assert counts(report.total) == (None, {"messages": 12, "queued": 3, "reached": 5, "delivered": 3, "replied": 2,
                                           "bounced": 1, "failed": 1, "stopped": 2})
    assert rates(report.total) == pytest.approx((2 / 5, 1 / 6))


def test_breaks_the_funnel_down_by_the_channel_used(report: CampaignReport) -> None:
    assert [counts(f) for f in report.by_channel] == [
        ("email", {"messages": 8, "queued": 3, "reached": 3, "delivered": 2, "replied": 1, "bounced": 1, "failed": 1,
                   "stopped": 0}),
        ("linkedin", {"messages": 4, "queued": 0, "reached": 2, "delivered": 1, "replied": 1, "bounced": 0,
                      "failed": 0, "stopped": 2})]
    assert [rates(f) for f in report.by_channel] == [pytest.approx((1 / 3, 1 / 4)), pytest.approx((1 / 2, 0.0))]


def test_breaks_the_funnel_down_by_the_leads_grade(report: CampaignReport) -> None:
    assert [counts(f) for f in report.by_grade] == [
        ("A", {"messages": 8, "queued": 0, "reached": 5, "delivered": 3, "replied": 2, "bounced": 1, "failed": 0,
               "stopped": 2}),
        ("B", {"messages": 4, "queued": 3, "reached": 0, "delivered": 0, "replied": 0, "bounced": 0, "failed": 1,
               "stopped": 0})]
    # Grade B reached nobody: its rates are zero, not a division by zero.
    assert [rates(f) for f in report.by_grade] == [pytest.approx((2 / 5, 1 / 6)), (0.0, 0.0)]


def test_breaks_the_funnel_down_by_step_and_variant(report: CampaignReport) -> None:
    assert [counts(f) for f in report.by_variant] == [
        ("step 1 / a", {"messages": 4, "queued": 0, "reached": 3, "delivered": 2, "replied": 1, "bounced": 1,
                        "failed": 0, "stopped": 0}),
        ("step 1 / b", {"messages": 4, "queued": 3, "reached": 0, "delivered": 0, "replied": 0, "bounced": 0,
                        "failed": 1, "stopped": 0}),
        ("step 2", {"messages": 4, "queued": 0, "reached": 2, "delivered": 1, "replied": 1, "bounced": 0, "failed": 0,
                    "stopped": 2})]
    assert [rates(f) for f in report.by_variant] == [pytest.approx((1 / 3, 1 / 4)), (0.0, 0.0),
                                                     pytest.approx((1 / 2, 0.0))]


def test_reports_a_campaign_without_messages_as_zeros(db: Session) -> None:
    campaign = ops.create_campaign(db, CAMPAIGN)
    report = campaign_report(db, campaign.id)
    assert counts(report.total) == (None, dict.fromkeys(COUNTS, 0)) and rates(report.total) == (0.0, 0.0)
    assert (report.by_channel, report.by_grade, report.by_variant) == ([], [], [])


def test_a_started_campaign_reports_each_message_under_its_leads_grade_at_the_time(db: Session) -> None:
    graded = [ops.create_lead(db, LeadCreate(**make_lead(first_name=f"P{i}", email=f"p{i}@lead{i}.io",
                                                          website=f"https://lead{i}.io"))) for i in range(3)]
    campaign = ops.create_campaign(db, {"name": "Graded", "steps": [{"body": "Hi"}]})
    assert ops.start_campaign(db, campaign.id, now=NOW) == 3
    expected: dict[str, int] = {}
    for lead in graded:
        key = lead.grade or "ungraded"
        expected[key] = expected.get(key, 0) + 1
    # Regrading the leads later does not move what was already sent.
    for lead in graded:
        stored = db.get(LeadDB, lead.id)
        assert stored is not None
        stored.grade = "D" if stored.grade != "D" else "A"
    db.commit()
    report = ops.get_campaign_report(db, campaign.id)
    assert {funnel.key: funnel.messages for funnel in report.by_grade} == expected
