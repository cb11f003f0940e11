from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicmo.cam.sequences import windows
from aicmo.cam.sequences.windows import (
    ALL_DAYS,
    DEFAULT_WINDOW,
    SendWindow,
    country_code,
    is_open,
    lead_zone,
    next_opening,
    spread_slot,
    zone_info,
)

UTC_ZONE = ZoneInfo("UTC")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


# --- is_open and next_opening ---------------------------------------------------------------------------------


def test_the_default_window_is_weekdays_nine_to_five_utc() -> None:
    assert SendWindow(frozenset({1, 2, 3, 4, 5}), time(9), time(17), "UTC") == DEFAULT_WINDOW


def test_a_weekday_afternoon_is_inside_the_window() -> None:
    assert is_open(DEFAULT_WINDOW, utc(2026, 6, 3, 14, 30), UTC_ZONE, None) is True


@pytest.mark.parametrize("moment", [utc(2026, 6, 3, 8, 59, 59), utc(2026, 6, 3, 17, 0), utc(2026, 6, 6, 12, 0)])
def test_early_morning_the_end_time_and_saturday_are_outside_the_window(moment: datetime) -> None:
    assert not is_open(DEFAULT_WINDOW, moment, UTC_ZONE, None)


def test_the_end_of_the_window_is_exclusive() -> None:
    assert is_open(DEFAULT_WINDOW, utc(2026, 6, 3, 16, 59, 59, 999999), UTC_ZONE, None)
    assert next_opening(DEFAULT_WINDOW, utc(2026, 6, 3, 17, 0), UTC_ZONE, None) == utc(2026, 6, 4, 9, 0)


def test_next_opening_returns_the_moment_itself_when_the_window_is_open() -> None:
    moment = utc(2026, 6, 3, 10, 15, 7, 123)
    assert next_opening(DEFAULT_WINDOW, moment, UTC_ZONE, None) == moment


def test_next_opening_before_the_window_is_todays_start() -> None:
    assert next_opening(DEFAULT_WINDOW, utc(2026, 6, 3, 6, 0), UTC_ZONE, None) == utc(2026, 6, 3, 9, 0)


def test_next_opening_skips_the_weekend() -> None:
    assert next_opening(DEFAULT_WINDOW, utc(2026, 6, 6, 12, 0), UTC_ZONE, None) == utc(2026, 6, 8, 9, 0)


def test_friday_at_five_pm_local_opens_again_on_monday_at_nine_am_local() -> None:
    window = SendWindow(timezone="America/New_York")
    friday_five_pm = datetime(2026, 6, 5, 17, 0, tzinfo=NEW_YORK).astimezone(UTC)
    assert next_opening(window, friday_five_pm, NEW_YORK, None) == utc(2026, 6, 8, 13, 0)


def test_a_window_may_include_the_weekend() -> None:
    window = SendWindow(days=ALL_DAYS)
    assert next_opening(window, utc(2026, 6, 5, 17, 0), UTC_ZONE, None) == utc(2026, 6, 6, 9, 0)


def test_the_result_is_utc_even_for_an_aware_non_utc_input() -> None:
    local = datetime(2026, 6, 3, 8, 0, tzinfo=NEW_YORK)
    result = next_opening(DEFAULT_WINDOW, local, NEW_YORK, None)
    assert result == utc(2026, 6, 3, 13, 0)
    assert result.utcoffset() == timedelta(0)


# --- DST ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("zone", "day", "expected"), [
    # New York springs forward on Sunday 2026-03-08 and falls back on Sunday 2026-11-01.
    (NEW_YORK, date(2026, 3, 7), utc(2026, 3, 7, 14, 0)),
    (NEW_YORK, date(2026, 3, 8), utc(2026, 3, 8, 13, 0)),
    (NEW_YORK, date(2026, 10, 31), utc(2026, 10, 31, 13, 0)),
    (NEW_YORK, date(2026, 11, 1), utc(2026, 11, 1, 14, 0)),
    # London springs forward on Sunday 2026-03-29 and falls back on Sunday 2026-10-25.
    (LONDON, date(2026, 3, 28), utc(2026, 3, 28, 9, 0)),
    (LONDON, date(2026, 3, 29), utc(2026, 3, 29, 8, 0)),
    (LONDON, date(2026, 10, 24), utc(2026, 10, 24, 8, 0)),
    (LONDON, date(2026, 10, 25), utc(2026, 10, 25, 9, 0)),
])
def test_nine_am_local_is_the_right_utc_instant_on_both_sides_of_each_dst_change(
    zone: ZoneInfo, day: date, expected: datetime
) -> None:
    window = SendWindow(days=ALL_DAYS)
    midnight_utc = utc(day.year, day.month, day.day)
    assert next_opening(window, midnight_utc, zone, None) == expected


@pytest.mark.parametrize(("zone", "friday_close", "monday_open"), [
    (NEW_YORK, utc(2026, 3, 6, 22, 0), utc(2026, 3, 9, 13, 0)),
    (NEW_YORK, utc(2026, 10, 30, 21, 0), utc(2026, 11, 2, 14, 0)),
    (LONDON, utc(2026, 3, 27, 17, 0), utc(2026, 3, 30, 8, 0)),
    (LONDON, utc(2026, 10, 23, 16, 0), utc(2026, 10, 26, 9, 0)),
])
def test_a_weekend_with_a_dst_change_reopens_at_nine_am_in_the_new_offset(
    zone: ZoneInfo, friday_close: datetime, monday_open: datetime
) -> None:
    assert not is_open(DEFAULT_WINDOW, friday_close, zone, None)
    assert is_open(DEFAULT_WINDOW, friday_close - timedelta(microseconds=1), zone, None)
    assert next_opening(DEFAULT_WINDOW, friday_close, zone, None) == monday_open


def test_a_start_time_inside_the_spring_forward_gap_opens_just_after_the_gap() -> None:
    window = SendWindow(days=ALL_DAYS, start=time(2, 30), end=time(5, 0))
    # 02:30 does not exist in New York on 2026-03-08; it reads as 02:30 EST, i.e. 03:30 EDT.
    assert next_opening(window, utc(2026, 3, 8, 5, 0), NEW_YORK, None) == utc(2026, 3, 8, 7, 30)


def test_a_start_time_in_the_repeated_fall_back_hour_opens_again_in_the_second_pass() -> None:
    window = SendWindow(days=ALL_DAYS, start=time(1, 0), end=time(1, 30))
    assert next_opening(window, utc(2026, 11, 1, 4, 0), NEW_YORK, None) == utc(2026, 11, 1, 5, 0)
    # At 01:40 EDT the window has closed, but the clock returns to 01:00 EST twenty minutes later.
    assert next_opening(window, utc(2026, 11, 1, 5, 40), NEW_YORK, None) == utc(2026, 11, 1, 6, 0)


# --- holidays -----------------------------------------------------------------------------------------------------


def test_christmas_in_gb_is_skipped_only_when_the_window_skips_holidays() -> None:
    christmas_eve_close = utc(2026, 12, 24, 17, 0)
    assert next_opening(SendWindow(), christmas_eve_close, LONDON, "GB") == utc(2026, 12, 25, 9, 0)
    # Friday 25th is Christmas and Monday 28th is the observed Boxing Day.
    skipping = SendWindow(skip_holidays=True)
    assert next_opening(skipping, christmas_eve_close, LONDON, "GB") == utc(2026, 12, 29, 9, 0)


def test_the_observed_independence_day_in_the_us_is_skipped() -> None:
    thursday_close = utc(2026, 7, 2, 21, 0)
    assert next_opening(SendWindow(), thursday_close, NEW_YORK, "US") == utc(2026, 7, 3, 13, 0)
    skipping = SendWindow(skip_holidays=True)
    assert not is_open(skipping, utc(2026, 7, 3, 15, 0), NEW_YORK, "US")
    assert next_opening(skipping, thursday_close, NEW_YORK, "US") == utc(2026, 7, 6, 13, 0)


def test_the_windows_holiday_country_is_used_when_the_leads_country_is_unknown() -> None:
    window = SendWindow(skip_holidays=True, holiday_country="US")
    assert not is_open(window, utc(2026, 7, 3, 15, 0), NEW_YORK, None)
    assert is_open(window, utc(2026, 7, 3, 15, 0), NEW_YORK, "GB")


def test_no_holidays_are_skipped_without_any_holiday_country() -> None:
    assert is_open(SendWindow(skip_holidays=True), utc(2026, 12, 25, 12, 0), LONDON, None) is True


def test_a_holiday_country_may_be_given_by_name() -> None:
    window = SendWindow(skip_holidays=True, holiday_country="United Kingdom")
    assert window.holiday_country == "GB"
    assert not is_open(window, utc(2026, 12, 25, 12, 0), LONDON, None)
    assert not is_open(SendWindow(skip_holidays=True), utc(2026, 12, 25, 12, 0), LONDON, "United Kingdom")


def test_holidays_are_taken_on_the_leads_local_date() -> None:
    window = SendWindow(days=ALL_DAYS, start=time(0, 0), end=time(23, 59), skip_holidays=True)
    # 2026-12-26 03:00 UTC is still Christmas Day (22:00) in New York.
    assert not is_open(window, utc(2026, 12, 26, 3, 0), NEW_YORK, "US")
    assert is_open(window, utc(2026, 12, 26, 3, 0), LONDON, "US")


def test_a_window_that_never_opens_raises_instead_of_searching_forever(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(windows, "_day_allowed", lambda *_: False)
    with pytest.raises(ValueError, match="does not open within 400 days"):
        next_opening(DEFAULT_WINDOW, utc(2026, 6, 6, 12, 0), UTC_ZONE, None)


# --- lead zones and countries -------------------------------------------------------------------------------------


def test_the_leads_own_time_zone_wins() -> None:
    assert lead_zone("Asia/Tokyo", "GB", "UTC") == ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(("country", "zone"), [
    ("GB", "Europe/London"),
    ("de", "Europe/Berlin"),
    ("US", "America/New_York"),
    ("CA", "America/Toronto"),
    ("AU", "Australia/Sydney"),
])
def test_a_country_code_gives_its_main_zone(country: str, zone: str) -> None:
    assert lead_zone(None, country, "UTC") == ZoneInfo(zone)


@pytest.mark.parametrize(("country", "zone"), [
    ("United Kingdom", "Europe/London"),
    ("Germany", "Europe/Berlin"),
    ("United States", "America/New_York"),
    ("UK", "Europe/London"),
    ("FRA", "Europe/Paris"),
])
def test_a_country_name_gives_its_main_zone(country: str, zone: str) -> None:
    assert lead_zone(None, country, "UTC") == ZoneInfo(zone)


def test_an_invalid_lead_time_zone_falls_back_to_the_country() -> None:
    assert lead_zone("Mars/Olympus_Mons", "Germany", "UTC") == ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(("time_zone", "country"), [
    (None, None),
    ("", ""),
    ("Not/AZone", "Atlantis"),
    ("America", "XX"),
    ("../etc/passwd", None),
])
def test_an_unknown_zone_and_country_fall_back_to_the_campaign_zone(time_zone: str | None, country: str | None) -> None:
    assert lead_zone(time_zone, country, "Asia/Kolkata") == ZoneInfo("Asia/Kolkata")


def test_an_invalid_fallback_zone_raises_naming_it() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus_Mons"):
        lead_zone(None, None, "Mars/Olympus_Mons")


def test_country_codes_resolve_from_codes_and_names() -> None:
    assert [country_code(c) for c in ["gb", "GBR", "Germany", "United States", "Narnia", None]] == [
        "GB", "GB", "DE", "US", None, None,
    ]


# --- validation ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("check", [is_open, next_opening])
def test_a_naive_datetime_raises(check: Callable[[SendWindow, datetime, ZoneInfo, str | None], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check(DEFAULT_WINDOW, datetime(2026, 6, 3, 12, 0), UTC_ZONE, None)


def test_spread_slot_rejects_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        spread_slot(DEFAULT_WINDOW, datetime(2026, 6, 3, 12, 0), UTC_ZONE, None, "k")


def test_an_invalid_window_zone_raises_naming_it() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus_Mons"):
        SendWindow(timezone="Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="Nope/Nope"):
        zone_info("Nope/Nope")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"start": time(17), "end": time(9)}, "must be after start"),
    ({"start": time(9), "end": time(9)}, "must be after start"),
    ({"days": frozenset({0, 1})}, "ISO weekdays 1-7"),
    ({"days": frozenset({8})}, "ISO weekdays 1-7"),
    ({"days": frozenset()}, "at least one day"),
    ({"start": time(9, 0, 30)}, "whole minute"),
    ({"holiday_country": "Atlantis"}, "Atlantis"),
])
def test_an_invalid_window_raises(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SendWindow(**kwargs)  # type: ignore[arg-type]


def test_days_given_as_a_set_are_frozen() -> None:
    window = SendWindow(days={1, 3})  # type: ignore[arg-type]
    assert window.days == frozenset({1, 3})
    assert hash(window) == hash(SendWindow(days=frozenset({3, 1})))


def test_to_dict_and_from_dict_round_trip() -> None:
    window = SendWindow(
        days=frozenset({6, 1, 3}), start=time(8, 30), end=time(18, 15),
        timezone="Europe/Berlin", skip_holidays=True, holiday_country="Germany",
    )
    data = window.to_dict()
    assert data == {
        "days": [1, 3, 6], "start": "08:30", "end": "18:15",
        "timezone": "Europe/Berlin", "skip_holidays": True, "holiday_country": "DE",
    }
    assert SendWindow.from_dict(data) == window
    assert SendWindow.from_dict(DEFAULT_WINDOW.to_dict()) == DEFAULT_WINDOW


def test_from_dict_fills_in_missing_keys_with_defaults() -> None:
    assert SendWindow.from_dict({}) == DEFAULT_WINDOW
    assert SendWindow.from_dict({"timezone": "Asia/Tokyo"}) == SendWindow(timezone="Asia/Tokyo")


@pytest.mark.parametrize(("data", "message"), [
    ({"dayz": [1]}, "unknown send window keys: dayz"),
    ({"start": "9am"}, "HH:MM"),
    ({"start": 900}, "HH:MM"),
    ({"days": "weekdays"}, "list of ISO weekdays"),
    ({"days": [1, "2"]}, "ISO weekdays 1-7"),
    ({"skip_holidays": "yes"}, "true or false"),
    ({"timezone": "Mars/Olympus_Mons"}, "Mars/Olympus_Mons"),
])
def test_from_dict_rejects_bad_data(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SendWindow.from_dict(data)


# --- spread_slot --------------------------------------------------------------------------------------------------


def test_spread_slot_is_stable_for_the_same_key() -> None:
    earliest = utc(2026, 6, 3, 6, 0)
    first = spread_slot(DEFAULT_WINDOW, earliest, LONDON, "GB", "lead-42:step-2")
    assert first == spread_slot(DEFAULT_WINDOW, earliest, LONDON, "GB", "lead-42:step-2")
    assert first != spread_slot(DEFAULT_WINDOW, earliest, LONDON, "GB", "lead-43:step-2")


def test_spread_slot_lands_inside_the_window_of_the_first_open_day() -> None:
    saturday = utc(2026, 6, 6, 12, 0)
    for n in range(200):
        slot = spread_slot(DEFAULT_WINDOW, saturday, NEW_YORK, None, f"lead-{n}")
        assert is_open(DEFAULT_WINDOW, slot, NEW_YORK, None)
        assert utc(2026, 6, 8, 13, 0) <= slot < utc(2026, 6, 8, 21, 0)


def test_spread_slot_never_comes_before_the_earliest_moment() -> None:
    earliest = utc(2026, 6, 3, 15, 30)
    for n in range(200):
        slot = spread_slot(DEFAULT_WINDOW, earliest, UTC_ZONE, None, f"lead-{n}")
        assert earliest <= slot < utc(2026, 6, 3, 17, 0)


def test_spread_slot_spreads_a_thousand_leads_over_the_day() -> None:
    monday = utc(2026, 6, 8, 0, 0)
    hours = Counter(spread_slot(DEFAULT_WINDOW, monday, UTC_ZONE, None, f"lead-{n}:step-1").hour for n in range(1000))
    assert set(hours) <= set(range(9, 17))
    assert len(hours) >= 6
    assert max(hours.values()) <= 250


def test_spread_slot_uses_the_next_window_when_less_than_a_minute_is_left() -> None:
    slot = spread_slot(DEFAULT_WINDOW, utc(2026, 6, 3, 16, 59, 30), UTC_ZONE, None, "lead-1")
    assert utc(2026, 6, 4, 9, 0) <= slot < utc(2026, 6, 4, 17, 0)


def test_spread_slot_with_a_day_load_fills_the_gaps_evenly() -> None:
    monday = utc(2026, 6, 8, 0, 0)
    slots = sorted(spread_slot(DEFAULT_WINDOW, monday, UTC_ZONE, None, "k", day_load=n) for n in range(8))
    gaps = [later - earlier for earlier, later in pairwise(slots)]
    assert min(gaps) >= timedelta(minutes=20)
    assert all(is_open(DEFAULT_WINDOW, slot, UTC_ZONE, None) for slot in slots)
    with pytest.raises(ValueError, match="day_load"):
        spread_slot(DEFAULT_WINDOW, monday, UTC_ZONE, None, "k", day_load=-1)


def test_spread_slot_skips_holidays_like_next_opening() -> None:
    skipping = SendWindow(skip_holidays=True)
    slot = spread_slot(skipping, utc(2026, 7, 2, 21, 0), NEW_YORK, "US", "lead-7")
    assert utc(2026, 7, 6, 13, 0) <= slot < utc(2026, 7, 6, 21, 0)


# --- property -----------------------------------------------------------------------------------------------------

ZONES = [
    "UTC", "America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin",
    "Asia/Kolkata", "Australia/Sydney", "Pacific/Auckland", "America/Sao_Paulo",
]

# Start and end hours stay clear of the 00:00-04:00 band where these zones change their clocks.
send_windows = st.builds(
    lambda days, start, length, skip, country: SendWindow(
        days=frozenset(days), start=time(start), end=time(min(start + length, 23)),
        skip_holidays=skip, holiday_country=country,
    ),
    st.sets(st.integers(1, 7), min_size=1),
    st.integers(5, 20),
    st.integers(1, 12),
    st.booleans(),
    st.sampled_from([None, "GB", "US", "DE"]),
)


@settings(max_examples=300, deadline=None)
@given(
    window=send_windows,
    after=st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31, 23, 59), timezones=st.just(UTC)),
    zone_name=st.sampled_from(ZONES),
    lead_country=st.sampled_from([None, "GB", "US", "AU"]),
    probe=st.floats(min_value=0, max_value=1),
)
def test_next_opening_is_the_first_open_instant_at_or_after_the_input(
    window: SendWindow, after: datetime, zone_name: str, lead_country: str | None, probe: float
) -> None:
    zone = ZoneInfo(zone_name)
    result = next_opening(window, after, zone, lead_country)
    assert result >= after
    assert is_open(window, result, zone, lead_country)
    if is_open(window, after, zone, lead_country):
        assert result == after
    else:
        assert not is_open(window, result - timedelta(microseconds=1), zone, lead_country)
    between = after + (result - after) * probe
    if between < result:
        assert not is_open(window, between, zone, lead_country)
