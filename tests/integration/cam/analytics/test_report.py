"""campaign_report on a real database, from histories written by the send engine's and the inbox's own recording
code: what happened is counted where it happened. A bounce on email stays on email after the message falls back
to LinkedIn; a positive reply counts over what reached the lead. A message counts under the grade its lead had
when the message was written."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.analytics.service import CampaignReport, Funnel, campaign_report
from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, MessageStatus
from tests.factories import make_lead
from tests.support.history import answered, refused, sent

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)
E, L = Channel.EMAIL, Channel.LINKEDIN
CAMPAIGN = {"name": "Report", "steps": [{"body": "Hi", "variants": [{"name": "a", "body": "A"},
                                                                  {"name": "b", "body": "B"}]},
                                        {"channels": ["linkedin"], "body": "Connect?"}]}
FIGURES = ("messages", "queued", "stopped", "sent", "refused", "failed", "hard_bounced", "replied",
           "positive_replies", "complaints", "reached")


def figures(funnel: Funnel) -> dict[str, int | str | None]:
    return {"key": funnel.key} | {name: getattr(funnel, name) for name in FIGURES}


def lead_graded(db: Session, number: int, grade: str) -> int:
    # Each lead at a company of its own: a reply must not stop another row's lead.
    lead = ops.create_lead(db, LeadCreate(**make_lead(first_name=f"Lead{number}", email=f"lead{number}@co{number}.io",
                                                      website=f"https://co{number}.io")))
    stored = db.get(LeadDB, lead.id)
    assert stored is not None
    stored.grade = grade
    return lead.id


@pytest.fixture
def report(db: Session) -> CampaignReport:
    campaign = ops.create_campaign(db, CAMPAIGN)
    other = ops.create_campaign(db, CAMPAIGN | {"name": "Another"})

    def message(number: int, grade: str, step: int, variant: str | None, channels: list[Channel],
                campaign_id: int | None = campaign.id) -> messages.OutreachMessageDB:
        return messages.create(db, lead_id=lead_graded(db, number, grade), body="Hi", subject="Hello", now=NOW,
                               campaign_id=campaign_id, step=step, channels=channels, variant=variant, grade=grade)

    interested = message(1, "A", 0, "a", [E, L])
    sent(db, interested, NOW)
    answered(db, interested, InboundKind.REPLY, LATER, text="Sounds interesting, can we book a call next week?")

    bounced_later = message(2, "A", 0, "a", [E, L])
    sent(db, bounced_later, NOW)
    answered(db, bounced_later, InboundKind.BOUNCE, LATER, hard=True)  # the DSN: it falls back to LinkedIn
    assert messages.current_channel(bounced_later) is L
    sent(db, bounced_later, LATER)

    refused_now = message(3, "B", 0, "b", [E, L])
    refused(db, refused_now, NOW)  # 550 at RCPT: it falls back to LinkedIn at once
    sent(db, refused_now, NOW)
    answered(db, refused_now, InboundKind.REPLY, LATER, text="Not interested, thanks.")

    message(4, "B", 0, "b", [E, L])  # still waiting
    messages.set_status(message(5, "A", 1, None, [L]), MessageStatus.CANCELLED, NOW)
    complained = message(6, "A", 0, "a", [E, L])
    sent(db, complained, NOW)
    answered(db, complained, InboundKind.COMPLAINT, LATER)

    # Neither another campaign's message nor one sent by hand may count.
    for number, campaign_id in ((7, other.id), (8, None)):
        elsewhere = message(number, "A", 0, None, [E], campaign_id=campaign_id)
        sent(db, elsewhere, NOW)
        answered(db, elsewhere, InboundKind.REPLY, LATER, text="Yes, interested!")
    db.commit()
    return campaign_report(db, campaign.id)


def test_counts_what_happened_once_each(report: CampaignReport) -> None:
    assert figures(report.total) == {
        "key": None, "messages": 6, "queued": 1, "stopped": 1, "sent": 5, "refused": 1, "failed": 1,
        "hard_bounced": 2, "replied": 2, "positive_replies": 1, "complaints": 1, "reached": 4}
    total = report.total
    assert (total.reply_rate, total.positive_reply_rate, total.bounce_rate) == pytest.approx((2 / 4, 1 / 4, 2 / 6))


def test_a_bounce_on_email_stays_on_email_after_the_message_falls_back_to_linkedin(report: CampaignReport) -> None:
    assert [figures(funnel) for funnel in report.by_channel] == [
        {"key": "email", "messages": 3, "queued": 1, "stopped": 0, "sent": 3, "refused": 1, "failed": 1,
         "hard_bounced": 2, "replied": 1, "positive_replies": 1, "complaints": 1, "reached": 2},
        {"key": "linkedin", "messages": 3, "queued": 0, "stopped": 1, "sent": 2, "refused": 0, "failed": 0,
         "hard_bounced": 0, "replied": 1, "positive_replies": 0, "complaints": 0, "reached": 2}]
    email, linkedin = report.by_channel
    # Hard bounces over what the receiving servers answered (3 accepted, 1 refused), as the mailbox guard counts.
    assert (email.bounce_rate, email.reply_rate, email.positive_reply_rate) == pytest.approx((2 / 4, 1 / 2, 1 / 2))
    assert (linkedin.bounce_rate, linkedin.reply_rate) == pytest.approx((0.0, 1 / 2))


def test_breaks_the_figures_down_by_step_and_variant_and_by_grade(report: CampaignReport) -> None:
    assert [(f.key, f.messages, f.sent, f.hard_bounced, f.replied, f.positive_replies) for f in report.by_variant] == [
        ("step 1 / a", 3, 4, 1, 1, 1), ("step 1 / b", 2, 1, 1, 1, 0), ("step 2", 1, 0, 0, 0, 0)]
    assert [(f.key, f.messages, f.sent, f.replied, f.complaints) for f in report.by_grade] == [
        ("A", 4, 4, 1, 1), ("B", 2, 1, 1, 0)]
    # Grade figures add up to the whole: no event is lost or counted twice.
    for name in FIGURES:
        assert sum(getattr(f, name) for f in report.by_grade) == getattr(report.total, name)
        assert sum(getattr(f, name) for f in report.by_channel) == getattr(report.total, name)


def test_metrics_per_channel_give_the_report_s_figures(db: Session, report: CampaignReport) -> None:
    metrics = ops.get_channel_metrics(db, since=NOW - timedelta(days=1), until=LATER + timedelta(hours=1),
                                      campaign_id=report.campaign_id)
    by_channel = {funnel.key: funnel for funnel in report.by_channel}
    for row in metrics:
        expected = by_channel.get(row.channel.value)
        assert (row.sent, row.hard_bounced, row.replied, row.positive_replies, row.bounce_rate) == (
            (expected.sent, expected.hard_bounced, expected.replied, expected.positive_replies, expected.bounce_rate)
            if expected else (0, 0, 0, 0, 0.0))
    # A window after the sends and before the answers holds the sends only.
    early = ops.get_channel_metrics(db, since=NOW - timedelta(hours=1), until=NOW + timedelta(hours=1),
                                    campaign_id=report.campaign_id)
    assert [(m.channel.value, m.sent, m.replied, m.hard_bounced) for m in early] == [
        ("email", 3, 0, 1), ("linkedin", 1, 0, 0), ("contact_form", 0, 0, 0)]


def test_reports_a_campaign_without_messages_as_zeros(db: Session) -> None:
    campaign = ops.create_campaign(db, CAMPAIGN)
    report = campaign_report(db, campaign.id)
    assert figures(report.total) == {"key": None} | dict.fromkeys(FIGURES, 0)
    assert (report.total.reply_rate, report.total.bounce_rate) == (0.0, 0.0)
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
