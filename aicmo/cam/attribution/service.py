"""Attribution over the database: each outcome's touches within the lookback, credited by the chosen model and
summed by channel, step, variant or campaign.

A touch is an attempt that reached the lead: accepted by its channel (an email later returned as a hard bounce
did not reach anyone). Touches come from any campaign; a campaign's report covers the outcomes of the leads it
wrote to. Leads the scope reached with no outcome are the journeys that led to nothing, which the Markov model
reads.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from aicmo.cam.attribution.rules import Journey, Model, Touch, attribute
from aicmo.cam.attribution.schemas import AttributionReport, AttributionRow
from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.outcomes.models import MEETING_OR_BETTER, OutcomeDB, OutcomeKind
from aicmo.cam.outreach.domain import Channel, EventKind, SendStatus
from aicmo.cam.outreach.models import DeliveryEventDB as E
from aicmo.cam.outreach.models import OutreachAttemptDB as A
from aicmo.cam.outreach.models import OutreachMessageDB as M


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


def _label(by: By, channel: Channel, step: int, variant: str | None, campaign: str | None) -> str:
    if by is By.CHANNEL:
        return channel.value
    if by is By.STEP:
        return f"step {step + 1}"
    if by is By.VARIANT:
        return f"step {step + 1}" + (f" / {variant}" if variant else "")
    return campaign or "(no campaign)"


def _scoped_leads(scope: Scope) -> Any:
    return select(M.lead_id).where(M.campaign_id == scope.campaign_id).distinct()


def _outcomes(db: Session, scope: Scope) -> list[OutcomeDB]:
    query = select(OutcomeDB).where(OutcomeDB.kind.in_(scope.kinds)).order_by(OutcomeDB.occurred_at, OutcomeDB.id)
    if scope.campaign_id is not None:
        query = query.where(OutcomeDB.lead_id.in_(_scoped_leads(scope)))
    if scope.since is not None:
        query = query.where(OutcomeDB.occurred_at >= scope.since)
    if scope.until is not None:
        query = query.where(OutcomeDB.occurred_at < scope.until)
    return list(db.scalars(query))


def _touches(db: Session, scope: Scope, by: By) -> dict[int, list[Touch]]:
    """Every lead's touches in the scope, oldest first."""
    bounced = exists().where(E.message_id == A.message_id, E.kind == EventKind.HARD_BOUNCE,
                             E.channel == Channel.EMAIL, E.occurred_at >= A.started_at)
    query = (select(A.lead_id, A.started_at, A.channel, M.sequence_step, M.template_variant, CampaignDB.name)
             .select_from(A).join(M, M.id == A.message_id).outerjoin(CampaignDB, CampaignDB.id == M.campaign_id)
             .where(A.status == SendStatus.SENT, ~and_(A.channel == Channel.EMAIL, bounced))
             .order_by(A.lead_id, A.started_at, A.id))
    if scope.campaign_id is not None:
        query = query.where(A.lead_id.in_(_scoped_leads(scope)))
    if scope.until is not None:
        query = query.where(A.started_at < scope.until)
    touches: dict[int, list[Touch]] = defaultdict(list)
    for lead_id, at, channel, step, variant, campaign in db.execute(query):
        touches[lead_id].append(Touch(_label(by, Channel(channel), step, variant, campaign), at))
    return touches


def _journeys(outcomes: Sequence[OutcomeDB], touches: dict[int, list[Touch]], scope: Scope,
              weight: Any) -> list[Journey]:
    journeys = []
    for outcome in outcomes:
        start = outcome.occurred_at - scope.lookback
        before = tuple(t for t in touches.get(outcome.lead_id, ()) if start <= t.at <= outcome.occurred_at)
        journeys.append(Journey(before, weight(outcome), outcome.occurred_at))
    converted = {outcome.lead_id for outcome in outcomes}
    journeys += [Journey(tuple(lead_touches), 0.0) for lead_id, lead_touches in touches.items()
                 if lead_id not in converted]
    return journeys


def attribution(db: Session, scope: Scope, model: Model, by: By, *,
                half_life: timedelta = timedelta(days=7)) -> AttributionReport:
    """Outcomes (counted, and their value per currency) credited to channels, steps, variants or campaigns."""
    outcomes = _outcomes(db, scope)
    touches = _touches(db, scope, by)
    counted = attribute(_journeys(outcomes, touches, scope, lambda _: 1.0), model, half_life=half_life)
    values: dict[str, dict[str, float]] = {}
    for currency in sorted({o.currency for o in outcomes if o.currency and o.value_cents is not None}):
        in_currency = [o for o in outcomes if o.currency == currency and o.value_cents is not None]
        values[currency] = attribute(_journeys(in_currency, touches, scope, lambda o: o.value_cents / 100), model,
                                     half_life=half_life)
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
