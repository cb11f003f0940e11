"""A campaign that learns its channel order: one order drawn per lead when its sequence starts, recorded, kept for
every step, steered by the outcomes earlier leads of the same segment brought; off unless the campaign asks."""

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam import auto
from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.channel_order.models import ChannelOrderChoiceDB
from aicmo.cam.channel_order.rules import applied
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.templates.render import RenderLimits
from aicmo.cam.worker.loop import Worker, run_accelerated
from aicmo.clock import ManualClock
from aicmo.settings import Settings
from tests.integration.cam.channel_order.support import (
    EMAIL_FIRST,
    LINKEDIN_FIRST,
    choice_of,
    earlier_leads,
    graded_lead,
    learning_campaign,
    messages_of,
)

TWO_STEPS = [{"channels": ["email", "linkedin"], "subject": "Hi", "body": "Hi {{ first_name }}"},
             {"channels": ["linkedin", "email"], "delay_hours": 24, "subject": "Re: Hi", "body": "Following up."},
             {"channels": ["email"], "delay_hours": 24, "subject": "Re: Hi", "body": "Last note."}]


def test_without_learning_every_lead_gets_the_steps_own_order_and_nothing_is_drawn(
        db: Session, clock: ManualClock) -> None:
    spec = {"name": "Plain", "send_window": {"always": True}, "steps": TWO_STEPS}
    campaign = campaigns.create(db, spec, now=clock.now())
    assert campaigns.read(db, campaign).channel_order.enabled is False
    lead = graded_lead(db, "amy", "A")
    auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits())
    db.commit()
    [message] = messages_of(db, lead.id)
    assert message.channel_order == ["email", "linkedin"]
    assert db.scalar(select(func.count()).select_from(ChannelOrderChoiceDB)) == 0
    assert ops.get_channel_order(db, campaign.id).segments == []


def test_learning_is_turned_on_by_an_edit_that_gives_it_and_kept_by_one_that_does_not(
        db: Session, clock: ManualClock) -> None:
    spec = {"name": "Plain", "send_window": {"always": True}, "steps": TWO_STEPS}
    campaign = campaigns.create(db, spec, now=clock.now())

    campaigns.update(db, campaign.id, {**spec, "channel_order": {"enabled": True, "segment_by": "industry"}},
                     now=clock.now())
    turned_on = campaigns.read(db, campaign).channel_order
    campaigns.update(db, campaign.id, {**spec, "name": "Plain, renamed"}, now=clock.now())
    kept = campaigns.read(db, campaign).channel_order

    assert (turned_on.enabled, turned_on.segment_by) == (True, "industry")
    assert (kept.enabled, kept.segment_by) == (True, "industry")


async def test_each_lead_gets_one_order_when_its_sequence_starts_and_keeps_it_for_every_step(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, clock: ManualClock) -> None:
    campaign = learning_campaign(db, clock.now(), steps=TWO_STEPS)
    leads = [graded_lead(db, name, "B") for name in ("amy", "bob", "cat", "dan", "eve", "fay")]
    assert auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits()) == 6
    db.commit()
    chosen = {}
    for lead in leads:
        choice = choice_of(db, campaign, lead.id)
        assert choice is not None and choice.segment == "B" and choice.chosen_at == clock.now()
        assert choice.evidence == {"email → linkedin": [0, 0], "linkedin → email": [0, 0]}
        chosen[lead.id] = [Channel(c) for c in choice.channel_order]
        assert chosen[lead.id] in (EMAIL_FIRST, LINKEDIN_FIRST)
    await run_accelerated(Worker(sessions, channels, clock=clock, settings=Settings()), clock)

    for lead in leads:
        steps = messages_of(db, lead.id)
        own_orders = (EMAIL_FIRST, LINKEDIN_FIRST, [Channel.EMAIL])
        assert [m.channel_order for m in steps] == [
            [c.value for c in applied(chosen[lead.id], step)] for step in own_orders]
        assert steps[0].status is MessageStatus.SENT and steps[0].channel is chosen[lead.id][0]
        assert steps[1].channel is chosen[lead.id][0]
    assert db.scalar(select(func.count()).select_from(ChannelOrderChoiceDB)) == 6


def test_a_lead_started_again_keeps_the_order_it_was_given(db: Session, clock: ManualClock) -> None:
    campaign = learning_campaign(db, clock.now())
    lead = graded_lead(db, "amy", "A")
    auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits())
    db.commit()
    first = choice_of(db, campaign, lead.id)
    assert first is not None
    earlier_leads(db, campaign, "A", [Channel(c) for c in reversed(first.channel_order)], count=12, positive=True,
                  when=clock.now() - timedelta(days=60))
    auto.start(db, campaign.id, now=clock.now() + timedelta(hours=1), limits=RenderLimits())
    db.commit()
    again = choice_of(db, campaign, lead.id)
    assert again is not None and (again.id, again.channel_order) == (first.id, first.channel_order)
    assert [m.channel_order for m in messages_of(db, lead.id)] == [first.channel_order]


def test_new_leads_go_to_the_order_that_brought_positive_outcomes_in_their_own_segment(
        db: Session, clock: ManualClock) -> None:
    campaign = learning_campaign(db, clock.now())
    long_ago = clock.now() - timedelta(days=60)
    earlier_leads(db, campaign, "A", LINKEDIN_FIRST, count=12, positive=True, when=long_ago)
    earlier_leads(db, campaign, "A", EMAIL_FIRST, count=12, positive=False, when=long_ago)
    earlier_leads(db, campaign, "B", EMAIL_FIRST, count=12, positive=True, when=long_ago)
    earlier_leads(db, campaign, "B", LINKEDIN_FIRST, count=12, positive=False, when=long_ago)
    new_a = [graded_lead(db, f"newa{n}", "A") for n in range(4)]
    new_b = [graded_lead(db, f"newb{n}", "B") for n in range(4)]
    assert auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits()) == 8
    db.commit()

    for leads, order in ((new_a, LINKEDIN_FIRST), (new_b, EMAIL_FIRST)):
        for lead in leads:
            choice = choice_of(db, campaign, lead.id)
            assert choice is not None and choice.channel_order == [c.value for c in order]
            assert messages_of(db, lead.id)[0].channel_order == [c.value for c in order]
    choice = choice_of(db, campaign, new_a[0].id)
    assert choice is not None and choice.evidence == {"email → linkedin": [12, 0], "linkedin → email": [12, 12]}

    report = ops.get_channel_order(db, campaign.id, now=clock.now())
    segment_a = next(s for s in report.segments if s.segment == "A")
    best = next(arm for arm in segment_a.arms if arm.order == LINKEDIN_FIRST)
    assert (best.leads, best.settled, best.positives, best.rate) == (16, 12, 12, 1.0)
    assert best.probability_best > 0.99 and best.recent_share == 1.0
    assert sum(arm.probability_best for arm in segment_a.arms) == 1.0


def test_a_positive_reply_counts_and_a_lead_still_in_its_sequence_is_not_yet_a_miss(
        db: Session, clock: ManualClock) -> None:
    campaign = learning_campaign(db, clock.now(), settle_days=7)
    amy = graded_lead(db, "amy", "A")
    graded_lead(db, "bob", "A")  # still waiting for its first send: not settled
    auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits())
    db.commit()
    ops.add_outcome(db, OutcomeCreate(lead_id=amy.id, kind=OutcomeKind.POSITIVE_REPLY,
                                      occurred_at=clock.now() + timedelta(days=1)))
    report = ops.get_channel_order(db, campaign.id, now=clock.now() + timedelta(days=30))
    [segment] = report.segments
    assert segment.leads == 2
    assert sum(arm.settled for arm in segment.arms) == 1 and sum(arm.positives for arm in segment.arms) == 1


def test_the_lead_timeline_shows_the_order_it_was_given_and_why(db: Session, clock: ManualClock) -> None:
    campaign = learning_campaign(db, clock.now(), segment_by="country")
    lead = graded_lead(db, "amy", "A", country="DE")
    auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits())
    db.commit()
    choice = choice_of(db, campaign, lead.id)
    assert choice is not None and choice.segment == "de"
    [entry] = [e for e in ops.get_lead_timeline(db, lead.id) if e.direction == "decision"]
    assert entry.kind == "channel_order" and entry.outcome == " → ".join(choice.channel_order)
    assert entry.detail is not None and f"campaign {campaign.id}, segment de" in entry.detail
