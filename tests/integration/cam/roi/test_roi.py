"""The ROI report from a real database (SQLite and PostgreSQL); the history is in tests/integration/cam/roi/seed.py.

Costs: email 5 messages × 0.05 + 30 × 2 mailboxes × 10/30 days = 20.25; LinkedIn 60 × 2 seats × 10/30 + one task
by hand × 5 min × 36/h = 43.00 (the automation's task costs no operator time); contact form 1 task × 10 min × 36/h
= 6.00. Linear credit: Ann's meeting and deal split between email and LinkedIn, Cat's meeting between email and the
form, Bob's opportunity all email.
"""

import pytest
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.attribution.rules import Model
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate
from aicmo.cam.roi.schemas import RoiReport
from aicmo.errors import CampaignNotFound
from tests.integration.cam.roi.seed import day, seed_campaign


@pytest.fixture
def spring(db: Session) -> int:
    return seed_campaign(db)


def channel(report: RoiReport, name: str) -> dict[str, object]:
    return next(row for row in report.channels if row.channel == name).model_dump()


def test_overall_figures_add_every_channels_cost_against_the_outcomes_value(db: Session, spring: int) -> None:
    report = ops.get_roi(db, campaign="Spring", model=Model.LINEAR)
    assert (report.currency, str(report.first_day), str(report.last_day), report.active_days) == (
        "EUR", "2026-06-01", "2026-06-10", 10)
    assert report.total.model_dump() == {
        "cost": 69.25, "pipeline": 2000.0, "revenue": 3000.0, "meetings": 2.0, "won": 1.0,
        "roi": pytest.approx((3000 - 69.25) / 69.25), "cost_per_meeting": 34.625, "cost_per_won": 69.25}
    assert (report.leads, report.revenue_per_1000_leads) == (5, 600_000.0)
    assert report.other_currencies == []


def test_each_channel_carries_its_own_cost_and_the_credit_the_model_gives_it(db: Session, spring: int) -> None:
    report = ops.get_roi(db, campaign=spring, model=Model.LINEAR)
    assert [row.channel for row in report.channels] == ["email", "linkedin", "contact_form"]
    assert channel(report, "email") == {
        "channel": "email", "messages": 5, "units": 2, "tasks": 0, "messages_cost": 0.25, "monthly_cost": 20.0,
        "tasks_cost": 0.0, "cost": 20.25, "pipeline": 2000.0, "revenue": 1500.0, "meetings": 1.0, "won": 0.5,
        "roi": pytest.approx((1500 - 20.25) / 20.25), "cost_per_meeting": 20.25, "cost_per_won": 40.5}
    assert channel(report, "linkedin") == {
        "channel": "linkedin", "messages": 2, "units": 2, "tasks": 1, "messages_cost": 0.0, "monthly_cost": 40.0,
        "tasks_cost": 3.0, "cost": 43.0, "pipeline": 0.0, "revenue": 1500.0, "meetings": 0.5, "won": 0.5,
        "roi": pytest.approx((1500 - 43) / 43), "cost_per_meeting": 86.0, "cost_per_won": 86.0}
    assert channel(report, "contact_form") == {
        "channel": "contact_form", "messages": 1, "units": 1, "tasks": 1, "messages_cost": 0.0, "monthly_cost": 0.0,
        "tasks_cost": 6.0, "cost": 6.0, "pipeline": 0.0, "revenue": 0.0, "meetings": 0.5, "won": 0.0,
        "roi": -1.0, "cost_per_meeting": 12.0, "cost_per_won": None}


def test_first_touch_gives_the_deal_to_email(db: Session, spring: int) -> None:
    report = ops.get_roi(db, campaign=spring, model=Model.FIRST)
    assert {row.channel: row.revenue for row in report.channels} == {
        "email": 3000.0, "linkedin": 0.0, "contact_form": 0.0}
    assert report.total.revenue == 3000.0


def test_grades_show_conversion_and_the_scores_auc(db: Session, spring: int) -> None:
    report = ops.get_roi(db, campaign=spring)
    assert [row.model_dump() for row in report.grades] == [
        {"grade": "A", "leads": 2, "meetings_or_better": 2, "conversion": 1.0, "pipeline": 2000.0, "revenue": 3000.0,
         "revenue_per_1000_leads": 1_500_000.0},
        {"grade": "B", "leads": 1, "meetings_or_better": 1, "conversion": 1.0, "pipeline": 0.0, "revenue": 0.0,
         "revenue_per_1000_leads": 0.0},
        {"grade": "C", "leads": 2, "meetings_or_better": 0, "conversion": 0.0, "pipeline": 0.0, "revenue": 0.0,
         "revenue_per_1000_leads": 0.0}]
    # Converted 90, 80, 60 against not 30, 70: five of the six pairs ranked right.
    assert (report.scored_leads, report.score_auc) == (5, pytest.approx(5 / 6))


def test_a_campaign_that_sent_nothing_costs_nothing_and_has_no_ratios(db: Session, spring: int) -> None:
    quiet = ops.create_campaign(db, {"name": "Quiet", "steps": [{"channels": ["email"], "body": "Hi"}]}).id
    report = ops.get_roi(db, campaign=quiet)
    assert report.total.model_dump() == {"cost": 0.0, "pipeline": 0.0, "revenue": 0.0, "meetings": 0.0, "won": 0.0,
                                         "roi": None, "cost_per_meeting": None, "cost_per_won": None}
    assert (report.active_days, report.leads, report.revenue_per_1000_leads, report.grades, report.score_auc) == (
        0, 0, None, [], None)


def test_values_in_another_currency_are_named_and_left_out(db: Session, spring: int) -> None:
    bob = next(lead.id for lead in ops.list_leads(db).items if lead.email == "bob@bob.io")
    ops.add_outcome(db, OutcomeCreate(lead_id=bob, kind=OutcomeKind.WON, occurred_at=day(30), value="500",
                                      currency="USD"))
    report = ops.get_roi(db, campaign=spring)
    assert (report.other_currencies, report.total.revenue, report.total.won) == (["USD"], 3000.0, 2.0)


def test_an_unknown_campaign_is_named(db: Session) -> None:
    with pytest.raises(CampaignNotFound, match="campaign Nope not found"):
        ops.get_roi(db, campaign="Nope")
