"""The pure parts of the daily series: calendar days and weeks, summing days into weeks, and the CSV text."""

from datetime import date

from aicmo.cam.analytics.daily import DailySeries, DayCounts
from aicmo.cam.analytics.days import each_day, week_of
from aicmo.cam.analytics.exports import csv_text, days_csv


def test_each_day_includes_both_ends_and_crosses_months() -> None:
    assert each_day(date(2026, 11, 29), date(2026, 12, 2)) == [
        date(2026, 11, 29), date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)]
    assert each_day(date(2026, 12, 2), date(2026, 12, 2)) == [date(2026, 12, 2)]


def test_a_week_is_keyed_by_its_monday() -> None:
    assert [week_of(date(2026, 11, day)) for day in (23, 25, 29, 30)] == [
        date(2026, 11, 23), date(2026, 11, 23), date(2026, 11, 23), date(2026, 11, 30)]


def test_weekly_sums_each_figure_of_the_days_of_a_week() -> None:
    days = [DayCounts(day=date(2026, 11, 28), sent=2, replied=1), DayCounts(day=date(2026, 11, 29), sent=3, meetings=1),
            DayCounts(day=date(2026, 11, 30), sent=4, bounced=2)]
    weeks = DailySeries(campaign_id=None, first=days[0].day, last=days[-1].day, days=days).weekly()
    assert weeks == [DayCounts(day=date(2026, 11, 23), sent=5, replied=1, meetings=1),
                     DayCounts(day=date(2026, 11, 30), sent=4, bounced=2)]


def test_csv_has_a_header_and_rates_with_four_places() -> None:
    assert csv_text(("grade", "rate"), [["A", 1 / 3], ["B, C", 0]]) == 'grade,rate\nA,0.3333\n"B, C",0\n'
    assert days_csv([DayCounts(day=date(2026, 11, 30), sent=4, bounced=2)], "week") == (
        "week,sent,delivered,replied,positive_replies,meetings,bounced\n2026-11-30,4,0,0,0,0,2\n")
