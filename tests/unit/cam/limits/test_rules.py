from datetime import UTC, datetime, timedelta

import pytest

from aicmo.cam.limits.rules import (
    DEFAULT_LIMITS,
    ChannelLimits,
    Decision,
    Gate,
    Limit,
    Period,
    SendScope,
    decide,
    limits_for,
    warmup_cap,
    window_end,
    window_start,
)

NOW = datetime(2024, 5, 15, 10, 30, 15, 123456, tzinfo=UTC)  # a Wednesday


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(("now", "period", "start", "end"), [
    (NOW, Period.HOUR, at(2024, 5, 15, 10), at(2024, 5, 15, 11)),
    (NOW, Period.DAY, at(2024, 5, 15), at(2024, 5, 16)),
    (NOW, Period.WEEK, at(2024, 5, 13), at(2024, 5, 20)),
    (at(2024, 5, 19, 23, 59), Period.WEEK, at(2024, 5, 13), at(2024, 5, 20)),
    (at(2024, 5, 20, 0, 0), Period.WEEK, at(2024, 5, 20), at(2024, 5, 27)),
    (at(2024, 12, 31, 23, 59, 59, 999999), Period.DAY, at(2024, 12, 31), at(2025, 1, 1)),
    (at(2024, 5, 15, 10, 59, 59, 999999), Period.HOUR, at(2024, 5, 15, 10), at(2024, 5, 15, 11)),
])
def test_windows_are_utc_calendar_hours_days_and_weeks_from_monday(
        now: datetime, period: Period, start: datetime, end: datetime) -> None:
    assert window_start(now, period) == start
    assert window_end(now, period) == end


def test_windows_count_in_utc_whatever_zone_now_is_given_in() -> None:
    from zoneinfo import ZoneInfo
    tokyo_monday_morning = datetime(2024, 5, 20, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # Sunday 23:00 UTC
    assert window_start(tokyo_monday_morning, Period.WEEK) == at(2024, 5, 13)
    assert window_start(tokyo_monday_morning, Period.DAY).tzinfo == UTC


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        window_start(datetime(2024, 5, 15, 10), Period.HOUR)


HOURLY = Limit("channel:email:hour", 50, Period.HOUR, "email")
DAILY = Limit("global:day", 200, Period.DAY, "all channels")
LEAD_GATE = Gate("lead:7", timedelta(hours=24), "lead 7")
HOUR_KEY = ("channel:email:hour", at(2024, 5, 15, 10))
DAY_KEY = ("global:day", at(2024, 5, 15))


def test_a_count_under_the_cap_is_allowed() -> None:
    decision = decide([HOURLY, DAILY], [LEAD_GATE], {HOUR_KEY: 49, DAY_KEY: 199}, {}, NOW)
    assert decision.allowed and decision.retry_at is None and decision.blocked_by is None


def test_a_count_at_the_cap_blocks_until_the_window_ends() -> None:
    decision = decide([HOURLY], [], {HOUR_KEY: 50}, {}, NOW)
    assert not decision.allowed
    assert decision.retry_at == at(2024, 5, 15, 11)
    assert decision.blocked_by == "channel:email:hour: email per hour (cap 50)"


def test_counts_of_other_windows_do_not_count() -> None:
    assert decide([HOURLY], [], {("channel:email:hour", at(2024, 5, 15, 9)): 50}, {}, NOW) == Decision(allowed=True)


def test_a_cap_of_zero_blocks_even_with_no_count() -> None:
    decision = decide([Limit("channel:linkedin:week", 0, Period.WEEK)], [], {}, {}, NOW)
    assert not decision.allowed and decision.retry_at == at(2024, 5, 20)


def test_a_gate_opening_exactly_now_is_open_and_one_opening_later_is_closed() -> None:
    assert decide([], [LEAD_GATE], {}, {"lead:7": NOW}, NOW).allowed
    later = NOW + timedelta(microseconds=1)
    decision = decide([], [LEAD_GATE], {}, {"lead:7": later}, NOW)
    assert not decision.allowed and decision.retry_at == later
    assert decision.blocked_by is not None and decision.blocked_by.startswith("lead:7: one touch of lead 7 every 24 h")


def test_with_several_blockers_retry_at_is_the_latest() -> None:
    gate_opens = at(2024, 5, 15, 12, 0)
    decision = decide([HOURLY, DAILY], [LEAD_GATE], {HOUR_KEY: 50, DAY_KEY: 200}, {"lead:7": gate_opens}, NOW)
    assert decision.retry_at == at(2024, 5, 16)
    assert decision.blocked_by is not None
    assert all(key in decision.blocked_by for key in ("channel:email:hour", "global:day", "lead:7"))
    assert decide([HOURLY], [LEAD_GATE], {HOUR_KEY: 50}, {"lead:7": gate_opens}, NOW).retry_at == gate_opens


STARTED = at(2024, 5, 1, 9, 0)


@pytest.mark.parametrize(("now", "expected"), [
    (STARTED, 10),  # day 0
    (STARTED + timedelta(hours=23, minutes=59), 10),  # still day 0: only whole days count
    (STARTED + timedelta(days=3), 25),
    (STARTED + timedelta(days=30), 40),  # capped at daily_cap
    (STARTED - timedelta(days=2), 10),  # a start in the future ramps from the start
])
def test_warmup_ramps_by_whole_days_up_to_the_daily_cap(now: datetime, expected: int) -> None:
    assert warmup_cap(40, 10, 5, STARTED, now) == expected


def test_without_warmup_settings_the_daily_cap_applies() -> None:
    assert warmup_cap(40, None, None, None, NOW) == 40
    assert warmup_cap(40, 10, 5, None, NOW) == 40
    assert warmup_cap(40, None, 5, STARTED, NOW) == 40
    assert warmup_cap(40, 10, None, STARTED, NOW) == 10


def test_defaults_cap_linkedin_weekly_and_gap_leads_a_day() -> None:
    assert DEFAULT_LIMITS["linkedin"].weekly_cap == 100
    assert DEFAULT_LIMITS["email"] == ChannelLimits()
    assert DEFAULT_LIMITS["all"].min_lead_gap_hours == 24.0
    assert DEFAULT_LIMITS["all"].retry_base_seconds == 60.0 and DEFAULT_LIMITS["all"].retry_cap_seconds == 21600.0
    assert DEFAULT_LIMITS["contact_form"].max_retries == 3


def test_limits_for_builds_every_key_a_send_must_pass() -> None:
    scope = SendScope("email", 42, company_domain="Acme.com", mailbox="sales", mailbox_daily_cap=30)
    channel = ChannelLimits(hourly_cap=20, daily_cap=100, weekly_cap=400, domain_daily_cap=3)
    overall = ChannelLimits(hourly_cap=60, daily_cap=300, weekly_cap=1000, min_lead_gap_hours=24.0)
    limits, gates = limits_for(scope, channel, overall)
    assert [(limit.key, limit.cap, limit.period) for limit in limits] == [
        ("channel:email:hour", 20, Period.HOUR),
        ("channel:email:day", 100, Period.DAY),
        ("channel:email:week", 400, Period.WEEK),
        ("mailbox:sales:day", 30, Period.DAY),
        ("domain:email:acme.com:day", 3, Period.DAY),
        ("global:hour", 60, Period.HOUR),
        ("global:day", 300, Period.DAY),
        ("global:week", 1000, Period.WEEK),
    ]
    assert gates == [Gate("lead:42", timedelta(hours=24), "lead 42")]


def test_limits_for_leaves_out_what_is_not_capped() -> None:
    limits, gates = limits_for(SendScope("linkedin", 5), DEFAULT_LIMITS["linkedin"],
                               ChannelLimits(min_lead_gap_hours=0))
    assert [limit.key for limit in limits] == ["channel:linkedin:week"]
    assert gates == []
    limits, _ = limits_for(SendScope("email", 5, company_domain="acme.com", mailbox="sales"),
                           ChannelLimits(domain_daily_cap=None), ChannelLimits())
    assert limits == []


def test_a_channel_gap_adds_a_gate_per_lead_and_channel() -> None:
    _, gates = limits_for(SendScope("contact_form", 9), ChannelLimits(min_lead_gap_hours=72),
                          DEFAULT_LIMITS["all"])
    assert [gate.key for gate in gates] == ["lead:9", "lead:9:contact_form"]
    assert gates[1].gap == timedelta(hours=72)
