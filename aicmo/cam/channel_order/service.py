"""Channel-order learning in the database: the order a lead gets when its sequence starts, and what each order has
brought per segment, counted from the outcomes and replies recorded since. Never commits."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from aicmo.cam.channel_order import rules
from aicmo.cam.channel_order.models import ChannelOrderChoiceDB
from aicmo.cam.channel_order.rules import Arm, Order
from aicmo.cam.channel_order.schemas import ArmRead, ChannelOrderLearning, SegmentRead
from aicmo.cam.inbox.intent import ReplyIntent
from aicmo.cam.inbox.models import InboundMessageDB
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outcomes.models import MEETING_OR_BETTER, OutcomeDB, OutcomeKind
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB

# A positive reply, or a meeting or anything after it.
POSITIVE_OUTCOMES = frozenset({OutcomeKind.POSITIVE_REPLY, *MEETING_OR_BETTER})
OPEN_STATUSES = (MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.SENDING)
RECENT_DAYS = 7  # "share of new leads" is taken over the choices of the last week


@dataclass(frozen=True)
class Result:
    """One lead's chosen order and what it has come to so far."""

    segment: str
    order: Order
    positive: bool
    settled: bool


def channels_for(db: Session, *, campaign_id: int, learning: ChannelOrderLearning, campaign_channels: Order,
                 lead: LeadDB, step_channels: Sequence[Channel], step: int, now: datetime) -> list[Channel]:
    """The step's channels in the order this lead tries them: its recorded order, chosen now if its sequence
    starts here. A lead whose sequence began without one keeps the steps' own order to the end."""
    if not learning.enabled:
        return list(step_channels)
    choice = db.scalar(select(ChannelOrderChoiceDB).where(ChannelOrderChoiceDB.campaign_id == campaign_id,
                                                          ChannelOrderChoiceDB.lead_id == lead.id))
    if choice is None and step == 0:
        choice = choose_for(db, campaign_id=campaign_id, learning=learning, campaign_channels=campaign_channels,
                            lead=lead, now=now)
    if choice is None:
        return list(step_channels)
    return rules.applied([Channel(channel) for channel in choice.channel_order], step_channels)


def choose_for(db: Session, *, campaign_id: int, learning: ChannelOrderLearning, campaign_channels: Order,
               lead: LeadDB, now: datetime) -> ChannelOrderChoiceDB:
    """Draw the lead's order from its segment's posteriors and record it with the evidence behind it."""
    segment = rules.segment_of(learning.segment_by, getattr(lead, learning.segment_by))
    arms = segment_arms(db, campaign_id, learning, campaign_channels, segment, now)
    order = rules.choose(arms, np.random.default_rng(rules.seed_for(campaign_id, lead.id)))
    choice = ChannelOrderChoiceDB(campaign_id=campaign_id, lead_id=lead.id, segment=segment,
                                  channel_order=[channel.value for channel in order], chosen_at=now,
                                  evidence={rules.order_label(arm.order): [arm.leads, arm.positives] for arm in arms})
    db.add(choice)
    return choice


def segment_arms(db: Session, campaign_id: int, learning: ChannelOrderLearning, campaign_channels: Order,
                 segment: str, now: datetime) -> list[Arm]:
    """Every candidate order's settled leads and positives in the segment; counted once per transaction and
    moment, since the leads chosen meanwhile have no result yet."""
    key = ("channel_order_arms", campaign_id, segment, now)
    if key not in db.info:
        orders = rules.candidate_orders(campaign_channels, learning.orders)
        results = lead_results(db, campaign_id, learning.settle_days, now, segment=segment)
        db.info[key] = arms_of(orders, results)
    arms: list[Arm] = db.info[key]
    return arms


def arms_of(orders: Sequence[Order], results: Sequence[Result]) -> list[Arm]:
    settled = Counter(result.order for result in results if result.settled)
    positives = Counter(result.order for result in results if result.positive)
    return [Arm(order, settled[order], positives[order]) for order in orders]


def lead_results(db: Session, campaign_id: int, settle_days: float, now: datetime, *,
                 segment: str | None = None) -> list[Result]:
    """Each lead's chosen order, whether something positive came after the choice, and whether its result is
    known: positive, or its sequence ended and `settle_days` passed since its last touch without anything."""
    where = [ChannelOrderChoiceDB.campaign_id == campaign_id]
    if segment is not None:
        where.append(ChannelOrderChoiceDB.segment == segment)
    choices = db.execute(select(ChannelOrderChoiceDB.lead_id, ChannelOrderChoiceDB.segment,
                                ChannelOrderChoiceDB.channel_order).where(*where)).all()
    if not choices:
        return []
    positive = _positive_leads(db, where)
    touches = {lead_id: (last, open_count) for lead_id, last, open_count in db.execute(
        select(OutreachMessageDB.lead_id, func.max(OutreachMessageDB.updated_at),
               func.count().filter(OutreachMessageDB.status.in_(OPEN_STATUSES)))
        .join(ChannelOrderChoiceDB, ChannelOrderChoiceDB.lead_id == OutreachMessageDB.lead_id)
        .where(*where, OutreachMessageDB.campaign_id == campaign_id).group_by(OutreachMessageDB.lead_id))}
    cutoff = now - timedelta(days=settle_days)
    results = []
    for lead_id, segment_name, order in choices:
        last, open_count = touches.get(lead_id, (None, 0))
        quiet = not open_count and (last is None or last <= cutoff)
        results.append(Result(segment_name, tuple(Channel(c) for c in order), lead_id in positive,
                              lead_id in positive or quiet))
    return results


def _positive_leads(db: Session, where: list[ColumnElement[bool]]) -> set[int]:
    """Leads of the choices with a positive outcome or a positive reply since their order was chosen."""
    outcomes = (select(ChannelOrderChoiceDB.lead_id)
                .join(OutcomeDB, OutcomeDB.lead_id == ChannelOrderChoiceDB.lead_id)
                .where(*where, OutcomeDB.kind.in_(POSITIVE_OUTCOMES),
                       OutcomeDB.occurred_at >= ChannelOrderChoiceDB.chosen_at))
    replies = (select(ChannelOrderChoiceDB.lead_id)
               .join(InboundMessageDB, InboundMessageDB.lead_id == ChannelOrderChoiceDB.lead_id)
               .where(*where, InboundMessageDB.intent == ReplyIntent.POSITIVE,
                      InboundMessageDB.received_at >= ChannelOrderChoiceDB.chosen_at))
    return set(db.scalars(outcomes)) | set(db.scalars(replies))


def segments(db: Session, campaign_id: int, learning: ChannelOrderLearning, campaign_channels: Order,
             now: datetime) -> list[SegmentRead]:
    """Per segment and order: leads, settled leads, positives, rate, probability to be best, share of new leads."""
    orders = rules.candidate_orders(campaign_channels, learning.orders)
    by_segment: dict[str, list[Result]] = defaultdict(list)
    for result in lead_results(db, campaign_id, learning.settle_days, now):
        by_segment[result.segment].append(result)
    recent = _recent_orders(db, campaign_id, now - timedelta(days=RECENT_DAYS))
    report = []
    for segment in sorted(by_segment):
        results = by_segment[segment]
        seen = list(dict.fromkeys([*orders, *(result.order for result in results)]))
        arms = arms_of(seen, results)
        best = rules.probability_best(arms, seed=rules.seed_for(campaign_id, segment))
        given = Counter(result.order for result in results)
        latest = Counter(recent[segment])
        report.append(SegmentRead(segment=segment, leads=len(results), arms=[
            ArmRead(order=list(arm.order), leads=given[arm.order], settled=arm.leads, positives=arm.positives,
                    rate=arm.positives / arm.leads if arm.leads else None, probability_best=probability,
                    recent_share=latest[arm.order] / max(len(recent[segment]), 1))
            for arm, probability in zip(arms, best, strict=True)]))
    return report


def _recent_orders(db: Session, campaign_id: int, since: datetime) -> dict[str, list[Order]]:
    """Per segment, the orders of the choices made since `since`."""
    recent: dict[str, list[Order]] = defaultdict(list)
    for segment, order in db.execute(select(ChannelOrderChoiceDB.segment, ChannelOrderChoiceDB.channel_order).where(
            ChannelOrderChoiceDB.campaign_id == campaign_id, ChannelOrderChoiceDB.chosen_at >= since)):
        recent[segment].append(tuple(Channel(c) for c in order))
    return recent


def lead_choices(db: Session, lead_id: int) -> list[ChannelOrderChoiceDB]:
    """The orders a lead was given, one per campaign it is in that learns them."""
    return list(db.scalars(select(ChannelOrderChoiceDB).where(ChannelOrderChoiceDB.lead_id == lead_id)
                           .order_by(ChannelOrderChoiceDB.chosen_at)))
