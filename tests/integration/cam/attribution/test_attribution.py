"""Attribution from a real database (SQLite and PostgreSQL): journeys read from attempts, bounces and outcomes
(the history is described in tests/integration/cam/attribution/seed.py)."""

import pytest
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.attribution.rules import NO_TOUCH, NOTHING, START, Model
from aicmo.cam.attribution.schemas import AttributionReport
from aicmo.cam.attribution.service import By, Scope, _idle_transitions, _outcome_leads, attribution, attribution_by_kind
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel
from aicmo.errors import CampaignNotFound
from tests.factories import make_lead
from tests.integration.cam.attribution.seed import day, seed_journeys
from tests.support.history import sent


def credits(report: AttributionReport) -> dict[str, float]:
    return {row.key: row.outcomes for row in report.rows}


@pytest.fixture
def q3(db: Session) -> int:
    return seed_journeys(db)


def test_linear_by_channel_skips_the_bounced_email_and_keeps_outcomes_without_touches(db: Session, q3: int) -> None:
    report = ops.get_attribution(db, campaign="Q3 intro", model=Model.LINEAR, by=By.CHANNEL)
    assert report.outcomes == 3
    assert credits(report) == pytest.approx({"linkedin": 4 / 3, NO_TOUCH: 1, "email": 2 / 3})
    assert [row.key for row in report.rows] == ["linkedin", NO_TOUCH, "email"]  # most credit first
    assert {row.key: row.value["EUR"] for row in report.rows} == pytest.approx(
        {"email": 2000 / 3, "linkedin": 1000 / 3, NO_TOUCH: 0})
    assert report.value == {"EUR": 1000.0}


def test_a_path_across_two_campaigns_credits_both(db: Session, q3: int) -> None:
    report = ops.get_attribution(db, campaign=q3, model=Model.LINEAR, by=By.CAMPAIGN)
    assert credits(report) == pytest.approx({"Q3 intro": 5 / 3, "Q4 follow-up": 1 / 3, NO_TOUCH: 1})
    by_step = ops.get_attribution(db, campaign=q3, model=Model.FIRST, by=By.STEP)
    assert credits(by_step) == pytest.approx({"step 1": 2, NO_TOUCH: 1, "step 2": 0})


@pytest.mark.parametrize("model", list(Model))
def test_every_models_credits_add_up_to_the_outcomes_and_their_value(db: Session, q3: int, model: Model) -> None:
    for by in By:
        report = ops.get_attribution(db, campaign=q3, model=model, by=by)
        assert sum(row.outcomes for row in report.rows) == pytest.approx(3)
        assert sum(row.value["EUR"] for row in report.rows) == pytest.approx(1000)
        assert sum(row.share for row in report.rows) == pytest.approx(1)


def test_a_longer_lookback_reaches_the_old_touch_and_kinds_narrow_the_outcomes(db: Session, q3: int) -> None:
    long = ops.get_attribution(db, campaign=q3, model=Model.LAST, lookback_days=365)
    assert credits(long) == pytest.approx({"email": 2, "linkedin": 1})
    won = ops.get_attribution(db, campaign=q3, model=Model.LAST, kinds=[OutcomeKind.WON])
    assert (won.outcomes, credits(won)) == (1, pytest.approx({"email": 1, "linkedin": 0}))


def test_markov_reads_the_lead_who_never_converted(db: Session, q3: int) -> None:
    # Paths: start→email→linkedin→email→won (Jane), start→linkedin→meeting (Omar), start→email→nothing (Ivy).
    # P(outcome) = 2/3; without email 1/6 (removal effect 3/4), without LinkedIn 2/9 (2/3): 2 outcomes shared
    # 9 : 8; Olga's meeting had no touch in its lookback.
    report = ops.get_attribution(db, campaign=q3, model=Model.MARKOV)
    assert credits(report) == pytest.approx({"email": 18 / 17, "linkedin": 16 / 17, NO_TOUCH: 1})


def test_an_unknown_campaign_is_named(db: Session) -> None:
    with pytest.raises(CampaignNotFound, match="campaign Q9 not found"):
        ops.get_attribution(db, campaign="Q9")


@pytest.mark.parametrize("model", list(Model))
def test_reports_by_kind_from_one_read_equal_one_report_per_kind(db: Session, q3: int, model: Model) -> None:
    kinds = frozenset({OutcomeKind.MEETING, OutcomeKind.WON, OutcomeKind.OPPORTUNITY})
    together = attribution_by_kind(db, Scope(campaign_id=q3, kinds=kinds), model, By.CHANNEL)
    assert sorted(together) == sorted(kinds)
    for kind in kinds:
        alone = attribution(db, Scope(campaign_id=q3, kinds=frozenset({kind})), model, By.CHANNEL)
        assert together[kind] == alone
    assert (together[OutcomeKind.MEETING].outcomes, together[OutcomeKind.WON].outcomes) == (2, 1)


def test_the_database_counts_idle_journeys_with_repeats_merged(db: Session, q3: int) -> None:
    # Besides Ivy (email, then nothing): Kai emailed twice, then on LinkedIn; Lea on LinkedIn, emailed twice, then
    # on LinkedIn again. Neither had an outcome.
    def lead(name: str) -> int:
        return ops.create_lead(db, LeadCreate(**make_lead(first_name=name, email=f"{name}@{name}.io"))).id

    def message(lead_id: int, step: int) -> messages.OutreachMessageDB:
        return messages.create(db, lead_id=lead_id, body="Hi", subject="Hello", now=day(0), campaign_id=q3,
                               step=step, channels=[Channel.EMAIL, Channel.LINKEDIN])

    kai, lea = lead("kai"), lead("lea")
    first = message(kai, 0)
    sent(db, first, day(0), Channel.EMAIL)
    sent(db, first, day(1), Channel.EMAIL)
    sent(db, message(kai, 1), day(3), Channel.LINKEDIN)
    first, second = message(lea, 0), message(lea, 1)
    sent(db, first, day(0), Channel.LINKEDIN)
    sent(db, first, day(1), Channel.EMAIL)
    sent(db, second, day(2), Channel.EMAIL)
    sent(db, second, day(4), Channel.LINKEDIN)
    db.commit()
    scope = Scope(campaign_id=q3)

    counted = _idle_transitions(db, scope, By.CHANNEL, _outcome_leads(scope))

    assert counted == {(START, "email"): 2, (START, "linkedin"): 1, ("email", NOTHING): 1, ("email", "linkedin"): 2,
                       ("linkedin", "email"): 1, ("linkedin", NOTHING): 2}


def test_idle_journeys_carry_other_campaigns_touches_of_the_campaigns_leads_alone(db: Session, q3: int) -> None:
    # Max: emailed by Q3, then on LinkedIn by another campaign; no outcome. Noa: reached by the other campaign only,
    # so outside Q3's journeys.
    other = ops.create_campaign(db, {"name": "Q5 other", "steps": [{"channels": ["linkedin"], "body": "Hi"}]}).id

    def lead(name: str) -> int:
        return ops.create_lead(db, LeadCreate(**make_lead(first_name=name, email=f"{name}@{name}.io"))).id

    def message(lead_id: int, campaign: int, channel: Channel) -> messages.OutreachMessageDB:
        return messages.create(db, lead_id=lead_id, body="Hi", subject="Hello", now=day(0), campaign_id=campaign,
                               step=0, channels=[channel])

    max_, noa = lead("max"), lead("noa")
    sent(db, message(max_, q3, Channel.EMAIL), day(0), Channel.EMAIL)
    sent(db, message(max_, other, Channel.LINKEDIN), day(2), Channel.LINKEDIN)
    sent(db, message(noa, other, Channel.LINKEDIN), day(2), Channel.LINKEDIN)
    db.commit()
    scope = Scope(campaign_id=q3)

    counted = _idle_transitions(db, scope, By.CHANNEL, _outcome_leads(scope))

    # Ivy (email, then nothing) and Max (email, then LinkedIn, then nothing); Noa is not counted.
    assert counted == {(START, "email"): 2, ("email", NOTHING): 1, ("email", "linkedin"): 1, ("linkedin", NOTHING): 1}
