"""ROI arithmetic by hand: costs in cents, monthly fees prorated over active days, ratios None when undefined."""

from datetime import UTC, datetime

import pytest

from aicmo.cam.outreach.domain import Channel
from aicmo.cam.roi.rules import (
    Cost,
    Rates,
    Usage,
    active_days,
    auc,
    channel_cost,
    monthly_units,
    per,
    per_thousand,
    rate,
    roi,
)


def test_active_days_count_the_first_and_the_last_calendar_day() -> None:
    assert active_days(datetime(2026, 6, 1, 23, 59, tzinfo=UTC), datetime(2026, 6, 3, 0, 1, tzinfo=UTC)) == 3
    assert active_days(datetime(2026, 6, 1, 9, tzinfo=UTC), datetime(2026, 6, 1, 17, tzinfo=UTC)) == 1
    assert active_days(None, None) == 0


def test_the_monthly_fee_is_per_mailbox_sent_from_per_seat_or_once_for_the_form_tool() -> None:
    assert monthly_units(Channel.EMAIL, used=True, mailboxes=3, seats=2) == 3
    assert monthly_units(Channel.LINKEDIN, used=True, mailboxes=3, seats=2) == 2
    assert monthly_units(Channel.LINKEDIN, used=False, mailboxes=0, seats=2) == 0
    assert monthly_units(Channel.CONTACT_FORM, used=True, mailboxes=0, seats=2) == 1
    assert monthly_units(Channel.CONTACT_FORM, used=False, mailboxes=0, seats=2) == 0


def test_a_channel_costs_its_messages_its_prorated_monthly_fees_and_its_operator_time() -> None:
    # 120 messages × 2 ¢; 2 mailboxes × 45.00 × 12/30 days = 36.00; 7 tasks × 4 min × 30.00/h = 14.00.
    cost = channel_cost(Rates(per_message_cents=2, per_month_cents=4500, task_minutes=4, hourly_rate_cents=3000),
                        Usage(messages=120, units=2, tasks=7), days=12)
    assert cost == Cost(messages_cents=240, monthly_cents=3600, tasks_cents=1400)
    assert cost.total_cents == 5240


def test_prorated_fees_round_to_the_nearest_cent() -> None:
    # 10.00 a month for 1 day: 33.33 ¢; 3 tasks of 1 minute at 0.50/h: 2.5 ¢, rounded half to even.
    cost = channel_cost(Rates(per_month_cents=1000, task_minutes=1, hourly_rate_cents=50), Usage(units=1, tasks=3), 1)
    assert (cost.monthly_cents, cost.tasks_cents) == (33, 2)


def test_nothing_used_costs_nothing_whatever_the_rates() -> None:
    assert channel_cost(Rates(7, 9900, 30.0, 6000), Usage(), days=30).total_cents == 0


def test_roi_and_the_per_figures_are_none_when_there_is_nothing_to_divide_by() -> None:
    assert roi(3000.0, 1000.0) == 2.0
    assert roi(500.0, 1000.0) == -0.5
    assert roi(3000.0, 0.0) is None
    assert (per(90.0, 3), per(90.0, 0.5), per(90.0, 0)) == (30.0, 180.0, None)
    assert (per_thousand(600.0, 4), per_thousand(600.0, 0)) == (150_000.0, None)
    assert (rate(1, 4), rate(0, 0)) == (0.25, None)


def test_auc_is_the_share_of_converted_and_unconverted_pairs_ranked_right_ties_counting_half() -> None:
    # Pairs (90,30) (90,70) (80,30) (80,70) (60,30) right; (60,70) wrong: 5/6.
    assert auc([90, 80, 60], [30, 70]) == pytest.approx(5 / 6)
    # (3,1) (3,2) (2,1) right, (2,2) a tie: 3.5/4.
    assert auc([3, 2], [1, 2]) == 0.875
    assert auc([10, 20], [30, 40]) == 0.0
    assert auc([5, 5], [5]) == 0.5


def test_auc_needs_leads_on_both_sides() -> None:
    assert auc([], [1, 2]) is None
    assert auc([1], []) is None
