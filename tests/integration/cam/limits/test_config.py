import pytest
from sqlalchemy.orm import Session

from aicmo.cam.limits.config import (
    SCOPES,
    ChannelConfigUpdate,
    InvalidChannelConfig,
    UnknownChannel,
    channel_limits,
    get_channel_config,
    update_channel_config,
)
from aicmo.cam.limits.rules import DEFAULT_LIMITS, ChannelLimits
from aicmo.errors import AicmoError


def test_without_rows_every_scope_reads_its_defaults(db: Session) -> None:
    linkedin = get_channel_config(db, scope="linkedin")
    assert linkedin.scope == "linkedin" and linkedin.weekly_cap == 100 and linkedin.updated_at is None
    assert get_channel_config(db, scope="all").min_lead_gap_hours == 24.0
    assert get_channel_config(db, scope="email").daily_cap is None
    assert channel_limits(db) == {scope: DEFAULT_LIMITS[scope] for scope in SCOPES}


def test_an_update_is_read_back_and_keeps_the_other_settings(db: Session) -> None:
    updated = update_channel_config(db, scope="linkedin", changes={"daily_cap": 20, "retry_base_seconds": 120})
    assert updated.daily_cap == 20 and updated.weekly_cap == 100 and updated.updated_at is not None
    db.commit()
    update_channel_config(db, scope="linkedin", changes=ChannelConfigUpdate(enabled=False))
    db.commit()
    again = get_channel_config(db, scope="linkedin")
    assert (again.enabled, again.daily_cap, again.weekly_cap, again.retry_base_seconds) == (False, 20, 100, 120.0)
    limits = channel_limits(db)
    assert limits["linkedin"] == ChannelLimits(enabled=False, daily_cap=20, weekly_cap=100, retry_base_seconds=120)
    assert limits["email"] == DEFAULT_LIMITS["email"]


def test_a_cap_given_as_none_is_removed(db: Session) -> None:
    update_channel_config(db, scope="linkedin", changes={"weekly_cap": None})
    assert get_channel_config(db, scope="linkedin").weekly_cap is None


@pytest.mark.parametrize(("changes", "field"), [
    ({"daily_cap": -1}, "daily_cap"),
    ({"retry_base_seconds": 0}, "retry_base_seconds"),
    ({"max_retries": 21}, "max_retries"),
    ({"min_lead_gap_hours": -0.5}, "min_lead_gap_hours"),
    ({"min_lead_gap_hours": float("nan")}, "min_lead_gap_hours"),
    ({"hourly_cap": "many"}, "hourly_cap"),
    ({"enabled": None}, "enabled"),
    ({"retry_base_seconds": 600, "retry_cap_seconds": 300}, "retry_cap_seconds"),
    ({"retry_base_seconds": 30000}, "retry_cap_seconds"),  # above the stored cap of 21600 s
])
def test_an_invalid_update_names_the_field_and_changes_nothing(db: Session, changes: dict[str, object],
                                                                 field: str) -> None:
    with pytest.raises(InvalidChannelConfig) as raised:
        update_channel_config(db, scope="email", changes=changes)
    assert raised.value.field == field and str(raised.value).startswith(f"{field}: ")
    assert get_channel_config(db, scope="email").updated_at is None


def test_an_unknown_field_is_named_with_a_suggestion(db: Session) -> None:
    with pytest.raises(InvalidChannelConfig, match="daily_cpa: unknown setting; did you mean daily_cap") as raised:
        update_channel_config(db, scope="email", changes={"daily_cpa": 5})
    assert raised.value.field == "daily_cpa"


@pytest.mark.parametrize("call", [
    lambda db: get_channel_config(db, scope="fax"),
    lambda db: update_channel_config(db, scope="fax", changes={}),
])
def test_an_unknown_scope_is_an_aicmo_error(db: Session, call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownChannel, match="unknown channel 'fax'") as raised:
        call(db)
    assert isinstance(raised.value, AicmoError) and raised.value.scope == "fax"
