"""The ROI report of one campaign: what each channel cost (from its attempts, mailboxes, seats and operator tasks),
what the outcomes of the leads it wrote to were worth (split by channel with an attribution model), and how its
leads converted by grade. Plain reads; never commits."""

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import Session

from aicmo.cam.attribution.rules import Model
from aicmo.cam.attribution.schemas import AttributionReport
from aicmo.cam.attribution.service import By, Scope, attribution_by_kind, idle_journeys_alongside
from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.costs import service as costs
from aicmo.cam.costs.models import ChannelCostDB
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outcomes.models import MEETING_OR_BETTER, OutcomeDB, OutcomeKind
from aicmo.cam.outreach.domain import Channel, SendStatus
from aicmo.cam.outreach.models import OutreachAttemptDB as A
from aicmo.cam.outreach.models import OutreachMessageDB as M
from aicmo.cam.outreach.tasks.models import CHANNELS, OperatorTaskDB, TaskKind, TaskStatus
from aicmo.cam.roi import rules
from aicmo.cam.roi.schemas import ChannelRoi, GradeRoi, RoiFigures, RoiReport
from aicmo.db.alongside import read_alongside
from aicmo.db.engine import without_parallel_workers

UNGRADED = "(ungraded)"
CREDITED = (OutcomeKind.MEETING, OutcomeKind.OPPORTUNITY, OutcomeKind.WON)
BY_HAND = "tasks"  # the LinkedIn provider that leaves each step to a person; `webhook` is an automation


def _manual_tasks(db: Session, campaign_id: int) -> dict[Channel, int]:
    """Per channel, the LinkedIn and contact-form tasks a person closed (done or failed: the time was spent)."""
    rows = db.execute(select(OperatorTaskDB.kind, func.count()).where(
        OperatorTaskDB.campaign_id == campaign_id, OperatorTaskDB.status.in_((TaskStatus.DONE, TaskStatus.FAILED)),
        or_(OperatorTaskDB.kind == TaskKind.FORM, OperatorTaskDB.provider == BY_HAND)).group_by(OperatorTaskDB.kind))
    return {CHANNELS[kind]: count for kind, count in rows}


Used = tuple[dict[Channel, rules.Usage], datetime | None, datetime | None]  # per channel; first and last attempt
Graded = tuple[list[GradeRoi], list[float], list[float], int]  # rows; scores converted and not; leads


def _usage(db: Session, campaign_id: int, seats: int) -> Used:
    """Per channel: messages accepted, the units its monthly fee is for, and tasks done by hand; and the first
    and last attempt's time."""
    rows = db.execute(select(A.channel, A.status, A.mailbox_id, func.count(), func.min(A.started_at),
                             func.max(A.started_at))
                      .where(A.campaign_id == campaign_id).group_by(A.channel, A.status, A.mailbox_id)).all()
    done = _manual_tasks(db, campaign_id)
    sent: dict[Channel, int] = defaultdict(int)
    used: set[Channel] = set()
    mailboxes: dict[Channel, set[int]] = defaultdict(set)
    for channel, status, mailbox_id, count, _, _ in rows:
        if status in (SendStatus.SENT, SendStatus.PENDING):
            used.add(channel)
        if status is SendStatus.SENT:
            sent[channel] += count
            if mailbox_id is not None:
                mailboxes[channel].add(mailbox_id)
    usage = {channel: rules.Usage(messages=sent[channel], tasks=done.get(channel, 0), units=rules.monthly_units(
        channel, used=channel in used, mailboxes=len(mailboxes[channel]), seats=seats))
        for channel in {row[0] for row in rows} | set(done)}
    return usage, min((r[4] for r in rows), default=None), max((r[5] for r in rows), default=None)


def _credits(report: AttributionReport, currency: str) -> tuple[dict[str, float], dict[str, float]]:
    """Outcomes and their value in the currency credited per channel."""
    return ({row.key: row.outcomes for row in report.rows},
            {row.key: row.value.get(currency, 0.0) for row in report.rows})


def _money(cents: float) -> float:
    return round(cents / 100, 2)


def _figures(cost: float, pipeline: float, revenue: float, meetings: float, won: float) -> dict[str, Any]:
    return {"cost": round(cost, 2), "pipeline": round(pipeline, 2), "revenue": round(revenue, 2),
            "meetings": meetings, "won": won, "roi": rules.roi(revenue, cost),
            "cost_per_meeting": rules.per(cost, meetings), "cost_per_won": rules.per(cost, won)}


def _grades(db: Session, campaign_id: int, currency: str) -> Graded:
    """Per grade: leads, those with a meeting or better, their pipeline and revenue; and the scores of the leads
    that converted and of those that did not. Counted by the database, per grade and score."""
    leads = select(M.lead_id).where(M.campaign_id == campaign_id).distinct()
    converted = exists().where(OutcomeDB.lead_id == LeadDB.id, OutcomeDB.kind.in_(MEETING_OR_BETTER))
    each = select(LeadDB.grade.label("grade"), LeadDB.score.label("score"),
                  case((converted, 1), else_=0).label("converted")).where(LeadDB.id.in_(leads)).subquery()
    counted = db.execute(select(each.c.grade, each.c.score, each.c.converted, func.count())
                         .group_by(each.c.grade, each.c.score, each.c.converted)).all()
    valued = (select(LeadDB.grade, OutcomeDB.kind, func.sum(OutcomeDB.value_cents))
              .join(LeadDB, LeadDB.id == OutcomeDB.lead_id)
              .where(OutcomeDB.lead_id.in_(leads), OutcomeDB.currency == currency,
                     OutcomeDB.kind.in_((OutcomeKind.OPPORTUNITY, OutcomeKind.WON)))
              .group_by(LeadDB.grade, OutcomeDB.kind))
    value = {(grade or UNGRADED, kind): int(cents or 0) for grade, kind, cents in db.execute(valued)}
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    positive: list[float] = []
    negative: list[float] = []
    for grade, score, hit, count in counted:
        totals[grade or UNGRADED][0] += count
        totals[grade or UNGRADED][1] += count if hit else 0
        if score is not None:
            (positive if hit else negative).extend([float(score)] * count)
    rows = []
    for grade in sorted(totals, key=lambda g: (g == UNGRADED, g)):
        size, hits = totals[grade]
        revenue = _money(value.get((grade, OutcomeKind.WON), 0))
        rows.append(GradeRoi(grade=grade, leads=size, meetings_or_better=hits, conversion=rules.rate(hits, size),
                             pipeline=_money(value.get((grade, OutcomeKind.OPPORTUNITY), 0)), revenue=revenue,
                             revenue_per_1000_leads=rules.per_thousand(revenue, size)))
    return rows, positive, negative, sum(size for size, _ in totals.values())


def _channel_row(key: str, stored: dict[Channel, ChannelCostDB], usage: dict[Channel, rules.Usage], days: int,
                 met: dict[str, float], pipeline: dict[str, float], revenue: dict[str, float],
                 deals: dict[str, float]) -> ChannelRoi:
    """One channel's cost from its rates and usage, beside what the model credited it; "(no touch)" costs nothing."""
    channel = Channel(key) if key in {c.value for c in Channel} else None
    row = stored.get(channel) if channel else None
    rates = rules.Rates(row.per_message_cents, row.per_month_cents, row.task_minutes,
                        row.hourly_rate_cents) if row else rules.Rates()
    used = usage.get(channel, rules.Usage()) if channel else rules.Usage()
    cost = rules.channel_cost(rates, used, days)
    return ChannelRoi(channel=key, messages=used.messages, units=used.units, tasks=used.tasks,
                      messages_cost=_money(cost.messages_cents), monthly_cost=_money(cost.monthly_cents),
                      tasks_cost=_money(cost.tasks_cents),
                      **_figures(cost.total_cents / 100, pipeline.get(key, 0.0), revenue.get(key, 0.0),
                                 met.get(key, 0.0), deals.get(key, 0.0)))


def roi_report(db: Session, campaign: CampaignDB, model: Model, *,
               half_life: timedelta = timedelta(days=7)) -> RoiReport:
    """Cost, pipeline, revenue and ROI of a campaign, overall, per channel (by the model) and per grade."""
    scope = Scope(campaign_id=campaign.id, kinds=frozenset(CREDITED))
    # On PostgreSQL the reads run side by side: the Markov model's idle journeys (the longest) and the costs and
    # grades each on a connection of their own, the outcomes' attribution here.
    idle = idle_journeys_alongside(db, scope, By.CHANNEL) if model is Model.MARKOV else None
    stored = costs.stored(db)
    currency = costs.currency_of(stored)
    linkedin = stored.get(Channel.LINKEDIN)
    seats = linkedin.seats if linkedin else 1

    def usage_and_grades(other: Session) -> tuple[Used, Graded]:
        without_parallel_workers(other)  # a parallel scan here took three processes' time from the other two reads
        return _usage(other, campaign.id, seats), _grades(other, campaign.id, currency)

    spent = read_alongside(db, usage_and_grades)
    credited = attribution_by_kind(db, scope, model, By.CHANNEL, half_life=half_life, idle_started=idle)
    (usage, first, last), (grades, positive, negative, leads) = spent.result()
    days = rules.active_days(first, last)
    meetings, opportunities, won = (credited[kind] for kind in CREDITED)
    met, _ = _credits(meetings, currency)
    _, pipeline = _credits(opportunities, currency)
    deals, revenue = _credits(won, currency)
    names = [channel.value for channel in Channel]
    channels = [_channel_row(key, stored, usage, days, met, pipeline, revenue, deals)
                for key in [*names, *sorted((set(met) | set(pipeline) | set(deals)) - set(names))]]
    total_revenue = won.value.get(currency, 0.0)
    total = RoiFigures(**_figures(sum(c.cost for c in channels), opportunities.value.get(currency, 0.0),
                                  total_revenue, float(meetings.outcomes), float(won.outcomes)))
    others = sorted((set(opportunities.value) | set(won.value)) - {currency})
    return RoiReport(campaign_id=campaign.id, campaign=campaign.name, model=model, currency=currency,
                     first_day=first.date() if first else None, last_day=last.date() if last else None,
                     active_days=days, leads=leads, total=total,
                     revenue_per_1000_leads=rules.per_thousand(total_revenue, leads), channels=channels,
                     grades=grades, scored_leads=len(positive) + len(negative),
                     score_auc=rules.auc(positive, negative), other_currencies=others)
