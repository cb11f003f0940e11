"""Cost settings per channel: read them, change them, and hand them to the ROI report. Never commits."""

from decimal import Decimal

import pycountry
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from aicmo.cam.costs.models import DEFAULT_CURRENCY, ChannelCostDB
from aicmo.cam.costs.schemas import ChannelCostRead, ChannelCostUpdate, CostSettings, CostsUpdate
from aicmo.cam.outreach.domain import Channel
from aicmo.errors import InvalidCost

_CENTS = ("per_message", "per_month", "hourly_rate")


def _units(cents: int) -> Decimal:
    return Decimal(cents) / 100


def _read(channel: Channel, row: ChannelCostDB | None) -> ChannelCostRead:
    if row is None:
        return ChannelCostRead(channel=channel, per_message=Decimal(0), per_month=Decimal(0), seats=1,
                               task_minutes=0.0, hourly_rate=Decimal(0))
    return ChannelCostRead(channel=channel, per_message=_units(row.per_message_cents),
                           per_month=_units(row.per_month_cents), seats=row.seats, task_minutes=row.task_minutes,
                           hourly_rate=_units(row.hourly_rate_cents), updated_at=row.updated_at)


def stored(db: Session) -> dict[Channel, ChannelCostDB]:
    return {row.channel: row for row in db.scalars(select(ChannelCostDB))}


def currency_of(rows: dict[Channel, ChannelCostDB]) -> str:
    return next((row.currency for row in rows.values()), DEFAULT_CURRENCY)


def version(db: Session) -> int:
    """When the costs last changed, in microseconds (0 before they ever did): reports that charge them are stale
    once it moves."""
    changed = db.scalar(select(func.max(ChannelCostDB.updated_at)))
    return round(changed.timestamp() * 1_000_000) if changed else 0


def get_all(db: Session) -> CostSettings:
    """Every channel's costs; a channel never set costs nothing."""
    rows = stored(db)
    return CostSettings(currency=currency_of(rows), channels=[_read(channel, rows.get(channel)) for channel in Channel])


def _currency(value: str) -> str:
    code = value.strip().upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise InvalidCost("currency", f"{value!r} is not an ISO 4217 currency code (e.g. EUR, USD)")
    return code


def _apply(row: ChannelCostDB, changes: ChannelCostUpdate) -> None:
    for name in changes.model_fields_set:
        value = getattr(changes, name)
        if value is None:
            raise InvalidCost(f"{row.channel.value}.{name}", "may not be empty")
        if name in _CENTS:
            setattr(row, f"{name}_cents", int((Decimal(value) * 100).to_integral_value()))
        else:
            setattr(row, name, value)


def update_all(db: Session, changes: CostsUpdate) -> CostSettings:
    """Change the costs given; a new currency applies to every channel (one currency per install)."""
    rows = stored(db)
    currency = _currency(changes.currency) if changes.currency is not None else currency_of(rows)
    # The currency lives on every channel's row: a new one is kept by storing each channel, set or not.
    for channel in Channel if changes.currency is not None else changes.channels:
        row = rows.get(channel)
        if row is None:
            row = rows[channel] = ChannelCostDB(channel=channel, per_message_cents=0, per_month_cents=0, seats=1,
                                                task_minutes=0.0, hourly_rate_cents=0, currency=currency)
            db.add(row)
        if channel in changes.channels:
            _apply(row, changes.channels[channel])
    if changes.currency is not None:
        db.execute(update(ChannelCostDB).values(currency=currency))
    db.flush()
    return get_all(db)
