"""Cost settings on a real database (SQLite and PostgreSQL): set per channel, one currency for all."""

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.costs.schemas import ChannelCostUpdate, CostsUpdate
from aicmo.cam.outreach.domain import Channel


def test_channels_never_set_cost_nothing_in_euros(db: Session) -> None:
    settings = ops.get_costs(db)
    assert settings.currency == "EUR"
    assert [(c.channel, c.per_message, c.per_month, c.seats, c.task_minutes, c.hourly_rate, c.updated_at)
            for c in settings.channels] == [(channel, 0, 0, 1, 0.0, 0, None) for channel in Channel]


def test_only_the_fields_given_change_and_a_new_currency_applies_to_every_channel(db: Session) -> None:
    ops.update_costs(db, CostsUpdate(channels={Channel.EMAIL: ChannelCostUpdate(per_message=Decimal("0.02"),
                                                                                per_month=Decimal("4.50"))}))
    ops.update_costs(db, CostsUpdate(currency="usd", channels={
        Channel.EMAIL: ChannelCostUpdate(per_month=Decimal(6)),
        Channel.LINKEDIN: ChannelCostUpdate(seats=3, task_minutes=2.5, hourly_rate=Decimal("40.00"))}))
    db.expire_all()
    settings = ops.get_costs(db)
    email, linkedin, form = settings.channels
    assert settings.currency == "USD"
    assert (email.per_message, email.per_month, email.seats) == (Decimal("0.02"), Decimal(6), 1)
    assert (linkedin.seats, linkedin.task_minutes, linkedin.hourly_rate) == (3, 2.5, Decimal(40))
    assert (form.per_message, form.per_month, form.task_minutes, form.hourly_rate) == (0, 0, 0.0, 0)


def test_an_unknown_currency_or_an_emptied_field_is_refused_and_nothing_changes(db: Session) -> None:
    with pytest.raises(ops.InvalidCost, match="currency: 'XYZ' is not an ISO 4217 currency code"):
        ops.update_costs(db, CostsUpdate(currency="XYZ", channels={Channel.EMAIL: ChannelCostUpdate(seats=4)}))
    with pytest.raises(ops.InvalidCost, match="email.seats: may not be empty"):
        ops.update_costs(db, CostsUpdate(channels={Channel.EMAIL: ChannelCostUpdate(seats=None)}))
    assert [c.updated_at for c in ops.get_costs(db).channels] == [None, None, None]


def test_a_currency_set_before_any_cost_is_kept(db: Session) -> None:
    ops.update_costs(db, CostsUpdate(currency="CHF"))
    db.expire_all()
    settings = ops.get_costs(db)
    assert (settings.currency, [c.per_message for c in settings.channels]) == ("CHF", [0, 0, 0])


def test_changing_a_cost_moves_the_data_version_cached_reports_are_checked_against(db: Session) -> None:
    before = ops.get_data_version(db)
    assert before == ops.get_data_version(db)
    ops.update_costs(db, CostsUpdate(channels={Channel.EMAIL: ChannelCostUpdate(per_message=Decimal("0.03"))}))
    after = ops.get_data_version(db)
    assert (after[:-1], before[-1], after[-1] > 0) == (before[:-1], 0, True)
