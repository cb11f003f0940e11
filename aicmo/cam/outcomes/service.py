"""Outcomes: record, correct and list what came of outreach. Never commits; the operator layer does."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation

import pycountry
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outcomes.models import OutcomeDB, OutcomeKind
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.db.base import utcnow
from aicmo.errors import InvalidOutcome, LeadNotFound, OutcomeNotFound

INBOX = "inbox"
_MAX_CENTS = 10**15  # a trillion in any currency: beyond it the figure is a typo


def cents(value: Decimal | float | int | str | None, field: str = "value") -> int | None:
    """An amount as hundredths of its unit: '1,200.50' -> 120050. InvalidOutcome names the field when unreadable."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).replace(",", "").replace("_", "").strip())
    except InvalidOperation:
        raise InvalidOutcome(field, f"{value!r} is not an amount") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidOutcome(field, f"{value!r}: an amount is a number of zero or more")
    result = int((amount * 100).to_integral_value())
    if result >= _MAX_CENTS:
        raise InvalidOutcome(field, f"{value!r} is too large")
    return result


def currency_code(value: str | None) -> str | None:
    """An ISO 4217 code, upper-cased; InvalidOutcome when it is not one."""
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise InvalidOutcome("currency", f"{value!r} is not an ISO 4217 currency code (e.g. EUR, USD)")
    return code


def _check(kind: OutcomeKind, value_cents: int | None, currency: str | None) -> None:
    if value_cents is not None and currency is None:
        raise InvalidOutcome("currency", "a value needs its currency (e.g. --currency EUR)")
    if value_cents is not None and kind not in (OutcomeKind.OPPORTUNITY, OutcomeKind.WON, OutcomeKind.LOST):
        raise InvalidOutcome("value", f"a {kind.value} has no value; only opportunities and deals do")


def add(db: Session, *, lead_id: int, kind: OutcomeKind, occurred_at: datetime | None = None,
        value_cents: int | None = None, currency: str | None = None, source: str = "manual",
        external_id: str | None = None, note: str | None = None, message_id: str | None = None) -> OutcomeDB:
    """Record an outcome; with an external id already recorded from the same source, update that one instead."""
    if db.get(LeadDB, lead_id) is None:
        raise LeadNotFound(lead_id)
    _check(kind, value_cents, currency)
    row = None
    if external_id is not None:
        row = db.scalar(select(OutcomeDB).where(OutcomeDB.source == source, OutcomeDB.external_id == external_id))
    if row is None:
        row = OutcomeDB(source=source, external_id=external_id)
        db.add(row)
    row.lead_id, row.kind, row.value_cents, row.currency = lead_id, kind, value_cents, currency
    row.occurred_at, row.note, row.message_id = occurred_at or utcnow(), note, message_id
    db.flush()
    return row


def record_positive_reply(db: Session, *, lead_id: int, inbound_id: int, message_id: str | None,
                          at: datetime) -> OutcomeDB:
    """The outcome an interested reply is: one per incoming message, however often its intent is set."""
    return add(db, lead_id=lead_id, kind=OutcomeKind.POSITIVE_REPLY, occurred_at=at, source=INBOX,
               external_id=str(inbound_id), message_id=message_id)


def forget_positive_reply(db: Session, inbound_id: int) -> None:
    """An operator read the reply otherwise: it is no longer an outcome."""
    db.execute(delete(OutcomeDB).where(OutcomeDB.source == INBOX, OutcomeDB.external_id == str(inbound_id)))


def get(db: Session, outcome_id: int) -> OutcomeDB:
    row = db.get(OutcomeDB, outcome_id)
    if row is None:
        raise OutcomeNotFound(outcome_id)
    return row


def remove(db: Session, outcome_id: int) -> None:
    db.delete(get(db, outcome_id))


def get_all(db: Session, *, lead_id: int | None = None, kinds: Sequence[OutcomeKind] = (),
            campaign_id: int | None = None, since: datetime | None = None, limit: int = 100) -> list[OutcomeDB]:
    """Outcomes, newest first; of one campaign means of leads that campaign wrote to."""
    query = select(OutcomeDB).order_by(OutcomeDB.occurred_at.desc(), OutcomeDB.id.desc()).limit(limit)
    if lead_id is not None:
        query = query.where(OutcomeDB.lead_id == lead_id)
    if kinds:
        query = query.where(OutcomeDB.kind.in_(kinds))
    if since is not None:
        query = query.where(OutcomeDB.occurred_at >= since)
    if campaign_id is not None:
        query = query.where(OutcomeDB.lead_id.in_(
            select(OutreachMessageDB.lead_id).where(OutreachMessageDB.campaign_id == campaign_id)))
    return list(db.scalars(query))
