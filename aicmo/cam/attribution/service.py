"""Attribution over the database: each outcome's touches within the lookback, credited by the chosen model and
summed by channel, step, variant or campaign.

A touch is an attempt that reached the lead: accepted by its channel (an email later returned as a hard bounce
did not reach anyone). Touches come from any campaign; a campaign's report covers the outcomes of the leads it
wrote to. Leads the scope reached with no outcome are the journeys that led to nothing, which the Markov model
reads.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, String, cast, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session, aliased

from aicmo.cam.attribution.rules import NOTHING, START, Journey, Model, Touch, Transitions, attribute
from aicmo.cam.attribution.schemas import AttributionReport, AttributionRow
from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.outcomes.models import MEETING_OR_BETTER, OutcomeDB, OutcomeKind
from aicmo.cam.outreach.domain import Channel, EventKind, SendStatus
from aicmo.cam.outreach.models import DeliveryEventDB as E
from aicmo.cam.outreach.models import OutreachAttemptDB as A
from aicmo.cam.outreach.models import OutreachMessageDB as M
from aicmo.db.alongside import read_alongside
from aicmo.db.engine import allow_sort_memory

NO_CAMPAIGN = "(no campaign)"


class By(StrEnum):
    CHANNEL = "channel"
    STEP = "step"
    VARIANT = "variant"
    CAMPAIGN = "campaign"


@dataclass(frozen=True)
class Scope:
    campaign_id: int | None = None
    kinds: frozenset[OutcomeKind] = MEETING_OR_BETTER
    lookback: timedelta = timedelta(days=90)
    since: datetime | None = None  # outcomes from
    until: datetime | None = None  # outcomes before


def _label_column(by: By) -> ColumnElement[str]:
    """What the report groups by, as one text the database can compare from touch to touch."""
    if by is By.CHANNEL:
        return cast(A.channel, String)
    if by is By.STEP:
        return cast(M.sequence_step, String)
    if by is By.VARIANT:
        return cast(M.sequence_step, String) + literal(":") + func.coalesce(M.template_variant, "")
    return func.coalesce(CampaignDB.name, NO_CAMPAIGN)


def _display(by: By, raw: str) -> str:
    if by is By.STEP:
        return f"step {int(raw) + 1}"
    if by is By.VARIANT:
        step, _, variant = raw.partition(":")
        return f"step {int(step) + 1}" + (f" / {variant}" if variant else "")
    return raw


def _in_scope(lead_id: Any, scope: Scope) -> Any:
    """The lead got a message of the scope's campaign (looked up per lead in the campaign-lead-step index)."""
    scoped = aliased(M)
    return exists().where(scoped.campaign_id == scope.campaign_id, scoped.lead_id == lead_id)


def _touch_in_scope(scope: Scope) -> Any:
    """An attempt of the scope's campaign is in scope by itself (its lead got the campaign's message); only the
    other campaigns' attempts need their lead looked up, against the campaign's leads read once and hashed."""
    campaign_leads = select(M.lead_id).where(M.campaign_id == scope.campaign_id)
    return or_(A.campaign_id == scope.campaign_id, A.lead_id.in_(campaign_leads))


def _outcome_query(scope: Scope, *columns: Any) -> Any:
    query = select(*columns).where(OutcomeDB.kind.in_(scope.kinds))
    if scope.campaign_id is not None:
        query = query.where(_in_scope(OutcomeDB.lead_id, scope))
    if scope.since is not None:
        query = query.where(OutcomeDB.occurred_at >= scope.since)
    if scope.until is not None:
        query = query.where(OutcomeDB.occurred_at < scope.until)
    return query


class Outcome(NamedTuple):
    lead_id: int
    occurred_at: datetime
    value_cents: int | None
    currency: str | None
    kind: OutcomeKind


def _outcomes(db: Session, scope: Scope) -> list[Outcome]:
    query = _outcome_query(scope, OutcomeDB.lead_id, OutcomeDB.occurred_at, OutcomeDB.value_cents, OutcomeDB.currency,
                           OutcomeDB.kind)
    return [Outcome(*row) for row in db.execute(query.order_by(OutcomeDB.occurred_at, OutcomeDB.id))]


def _outcome_leads(scope: Scope) -> Any:
    """The leads with an outcome the report attributes, as a query the others can filter by."""
    return _outcome_query(scope, OutcomeDB.lead_id)


def _touch_rows(scope: Scope, by: By, *, leads: Any = None) -> Any:
    """(lead, when, order, label) of every touch in the scope: sent, and not an email that bounced back later.
    Ordered by lead and time, the order journeys are read in."""
    # Written as one NOT EXISTS (not "not email, or no bounce") so the database can anti-join it in one pass.
    bounced = exists().where(A.channel == Channel.EMAIL, E.message_id == A.message_id,
                             E.kind == EventKind.HARD_BOUNCE, E.channel == Channel.EMAIL,
                             E.occurred_at >= A.started_at)
    query = (select(A.lead_id.label("lead_id"), A.started_at.label("at"), A.id.label("seq"),
                    _label_column(by).label("label"))
             .select_from(A).where(A.status == SendStatus.SENT, ~bounced))
    if by in (By.STEP, By.VARIANT):
        query = query.join(M, M.id == A.message_id)
    elif by is By.CAMPAIGN:
        query = query.outerjoin(CampaignDB, CampaignDB.id == A.campaign_id)
    if leads is not None:  # already within the scope
        query = query.where(A.lead_id.in_(leads))
    elif scope.campaign_id is not None:
        query = query.where(_touch_in_scope(scope))
    if scope.until is not None:
        query = query.where(A.started_at < scope.until)
    return query.order_by(A.lead_id, A.started_at, A.id)


def _touches(db: Session, scope: Scope, by: By, leads: Any) -> dict[int, list[Touch]]:
    """The touches of the leads this query selects, oldest first."""
    touches: dict[int, list[Touch]] = defaultdict(list)
    shown: dict[str, str] = {}
    # Read through the Core connection: tens of thousands of plain rows, which the ORM's result handling would slow.
    for lead_id, at, _, label in db.connection().execute(_touch_rows(scope, by, leads=leads)):  # by lead and time
        touches[lead_id].append(Touch(shown.get(label) or shown.setdefault(label, _display(by, label)), at))
    return touches


def _idle_transitions(db: Session, scope: Scope, by: By, converted: Any) -> Transitions:
    """The steps of every journey in the scope that led to no outcome: each lead's touches in order with repeats in
    a row merged, from the start to its last touch and on to nothing."""
    if db.get_bind().dialect.name == "postgresql":
        return _idle_transitions_by_path(db, scope, by, converted)
    return _idle_transitions_by_window(db, scope, by, converted)


_SEPARATOR = "\x1f"  # the ASCII unit separator, which no channel, step or variant name holds


def _idle_transitions_by_path(db: Session, scope: Scope, by: By, converted: Any) -> Transitions:
    """PostgreSQL writes each lead's path as one text and counts the distinct paths (a few dozen). Grouping by lead
    sorts only each lead's handful of touches by time: half the time of a window over all of them ordered at once."""
    rows = _touch_rows(scope, by).where(A.lead_id.not_in(converted)).order_by(None).subquery()
    path = func.string_agg(rows.c.label, aggregate_order_by(literal(_SEPARATOR), rows.c.at, rows.c.seq))
    per_lead = select(path.label("path")).group_by(rows.c.lead_id).subquery()
    counted: Transitions = Counter()
    for raw, count in db.execute(select(per_lead.c.path, func.count()).group_by(per_lead.c.path)):
        for step, times in _label_transitions([_display(by, label) for label in raw.split(_SEPARATOR)]).items():
            counted[step] += times * count
    return counted


def _idle_transitions_by_window(db: Session, scope: Scope, by: By, converted: Any) -> Transitions:
    """Counted by the database from each touch and the one before it: merging repeats keeps exactly the
    neighbouring touches whose labels differ, so one pass over the touches tells each step."""
    rows = _touch_rows(scope, by).where(A.lead_id.not_in(converted)).subquery()

    def in_path(column: Any) -> Any:
        return column.over(partition_by=rows.c.lead_id, order_by=(rows.c.at, rows.c.seq))

    steps = select(in_path(func.lag(rows.c.label)).label("before"), rows.c.label,
                   in_path(func.lead(rows.c.label)).is_(None).label("last")).subquery()
    step = or_(steps.c.before.is_(None), steps.c.before != steps.c.label)
    counted: Transitions = Counter()
    for before, label, moved, last, count in db.execute(
            select(steps.c.before, steps.c.label, step, steps.c.last, func.count())
            .where(or_(step, steps.c.last)).group_by(steps.c.before, steps.c.label, step, steps.c.last)):
        shown = _display(by, label)
        if moved:
            counted[(START if before is None else _display(by, before), shown)] += count
        if last:
            counted[(shown, NOTHING)] += count
    return counted


def _label_transitions(labels: Sequence[str]) -> Transitions:
    merged = [label for n, label in enumerate(labels) if n == 0 or labels[n - 1] != label]
    return Counter(zip([START, *merged], [*merged, NOTHING], strict=True)) if merged else Counter()


def _journeys(outcomes: Sequence[Outcome], touches: dict[int, list[Touch]], scope: Scope,
              weight: Any) -> list[Journey]:
    journeys = []
    for outcome in outcomes:
        start = outcome.occurred_at - scope.lookback
        before = tuple(t for t in touches.get(outcome.lead_id, ()) if start <= t.at <= outcome.occurred_at)
        journeys.append(Journey(before, weight(outcome), outcome.occurred_at))
    return journeys


@dataclass(frozen=True)
class _Journeys:
    """What a report credits, read before the model runs: the outcomes' journeys counted, and valued per currency."""

    scope: Scope
    outcomes: Sequence[Outcome]
    counted: list[Journey]
    valued: dict[str, list[Journey]]


def _prepare(outcomes: Sequence[Outcome], touches: dict[int, list[Touch]], scope: Scope) -> _Journeys:
    valued = {}
    for currency in sorted({o.currency for o in outcomes if o.currency and o.value_cents is not None}):
        in_currency = [o for o in outcomes if o.currency == currency and o.value_cents is not None]
        valued[currency] = _journeys(in_currency, touches, scope, lambda o: o.value_cents / 100)
    return _Journeys(scope, outcomes, _journeys(outcomes, touches, scope, lambda _: 1.0), valued)


def _report(journeys: _Journeys, model: Model, by: By, half_life: timedelta,
            idle: Transitions | None) -> AttributionReport:
    scope, outcomes = journeys.scope, journeys.outcomes
    counted = attribute(journeys.counted, model, half_life=half_life, idle=idle)
    values = {currency: attribute(valued, model, half_life=half_life, idle=idle)
              for currency, valued in journeys.valued.items()}
    keys = sorted(set(counted) | {key for credits in values.values() for key in credits},
                  key=lambda key: (-counted.get(key, 0.0), key))
    total = len(outcomes)
    rows = [AttributionRow(key=key, outcomes=counted.get(key, 0.0),
                           share=counted.get(key, 0.0) / total if total else 0.0,
                           value={currency: credits.get(key, 0.0) for currency, credits in values.items()})
            for key in keys]
    value_total = {currency: sum(o.value_cents or 0 for o in outcomes if o.currency == currency) / 100
                   for currency in values}
    return AttributionReport(model=model, by=by, kinds=sorted(scope.kinds), lookback_days=scope.lookback.days,
                             half_life_days=half_life / timedelta(days=1), outcomes=total, value=value_total,
                             rows=rows)


def _idle_for_other_kinds(outcomes: Sequence[Outcome], touches: dict[int, list[Touch]],
                          kinds: frozenset[OutcomeKind]) -> dict[OutcomeKind, Transitions]:
    """Per kind, the steps of the leads whose outcomes are all of other kinds: journeys that led to nothing, for
    this kind. Counted by distinct path (a few dozen), not lead by lead."""
    leads = {o.lead_id for o in outcomes}
    paths = {lead_id: tuple(touch.label for touch in touches.get(lead_id, ())) for lead_id in leads}
    steps: dict[OutcomeKind, Transitions] = {}
    for kind in kinds:
        reached = {o.lead_id for o in outcomes if o.kind == kind}
        counted: Transitions = Counter()
        for path, walked in Counter(paths[lead_id] for lead_id in paths.keys() - reached).items():
            for step, times in _label_transitions(path).items():
                counted[step] += times * walked
        steps[kind] = counted
    return steps


def attribution(db: Session, scope: Scope, model: Model, by: By, *,
                half_life: timedelta = timedelta(days=7)) -> AttributionReport:
    """Outcomes (counted, and their value per currency) credited to channels, steps, variants or campaigns."""
    allow_sort_memory(db)
    converted = _outcome_leads(scope)
    idle = idle_journeys_alongside(db, scope, by) if model is Model.MARKOV else None
    outcomes, touches = _outcomes(db, scope), _touches(db, scope, by, converted)
    journeys = _prepare(outcomes, touches, scope)
    return _report(journeys, model, by, half_life, idle.result() if idle else None)


def idle_journeys_alongside(db: Session, scope: Scope, by: By) -> Future[Transitions]:
    """Start counting the Markov model's idle journeys beside the caller's other reads (see `read_alongside`); hand
    the future to `attribution_by_kind` before the transaction ends."""
    converted = _outcome_leads(scope)
    return read_alongside(db, lambda other: _idle_transitions(other, scope, by, converted))


def attribution_by_kind(db: Session, scope: Scope, model: Model, by: By, *, half_life: timedelta = timedelta(days=7),
                        idle_started: Future[Transitions] | None = None) -> dict[OutcomeKind, AttributionReport]:
    """One report per outcome kind of the scope, each as `attribution` would give it for that kind alone, from one
    read of the outcomes and their touches. A Markov report counts the idle journeys beside that read, or takes
    `idle_started` (from `idle_journeys_alongside` with the same scope and grouping)."""
    allow_sort_memory(db)
    converted = _outcome_leads(scope)
    # Markov: the journeys of leads with none of the kinds are counted once by the database; a lead with another
    # kind only is idle for this one, and its touches are at hand.
    if model is Model.MARKOV and idle_started is None:
        idle_started = idle_journeys_alongside(db, scope, by)
    outcomes = _outcomes(db, scope)
    touches = _touches(db, scope, by, converted)
    # Everything that does not need the idle journeys is done while the database still counts them.
    journeys = {kind: _prepare([o for o in outcomes if o.kind == kind], touches,
                               replace(scope, kinds=frozenset({kind}))) for kind in sorted(scope.kinds)}
    if idle_started is None or model is not Model.MARKOV:
        return {kind: _report(mine, model, by, half_life, None) for kind, mine in journeys.items()}
    elsewhere = _idle_for_other_kinds(outcomes, touches, scope.kinds)
    none_of_them = idle_started.result()
    return {kind: _report(mine, model, by, half_life, none_of_them + elsewhere[kind])
            for kind, mine in journeys.items()}
