"""The dashboard's charts from report read models: bars per funnel stage or grade, lines per day, mailbox rates."""

from datetime import date

from aicmo.cam.analytics.daily import DayCounts
from aicmo.cam.analytics.grades import GradeCount
from aicmo.cam.analytics.mailbox_daily import MailboxDaily, MailboxDay
from aicmo.web.dashboard.charts import TRENDS, Bar, bar_chart, daily_chart, grade_chart, mailbox_charts


def test_bars_scale_to_the_largest_count_and_a_small_count_still_shows() -> None:
    chart = bar_chart([("a", "A", 130), ("b", "B", 1), ("c", "C", 0)])
    assert chart.bars == [Bar("a", "A", 130, 0, 260), Bar("b", "B", 1, 28, 2), Bar("c", "C", 0, 56, 0)]
    assert (chart.width, chart.height) == (400, 84)
    assert [bar.width for bar in bar_chart([("a", "A", 13)], largest=26).bars] == [130]


def test_grades_get_a_bar_each_in_order() -> None:
    chart = grade_chart([GradeCount(grade="A", leads=4), GradeCount(grade="B", leads=2),
                         GradeCount(grade="C", leads=0), GradeCount(grade="D", leads=1),
                         GradeCount(grade="ungraded", leads=3)])
    assert [(bar.stage, bar.label, bar.count, bar.width) for bar in chart.bars] == [
        ("grade-A", "A", 4, 260), ("grade-B", "B", 2, 130), ("grade-C", "C", 0, 0), ("grade-D", "D", 1, 65),
        ("grade-ungraded", "ungraded", 3, 195)]


def test_the_daily_chart_draws_a_line_per_figure_with_a_point_a_day() -> None:
    days = [DayCounts(day=date(2026, 11, 24), sent=4, replied=1), DayCounts(day=date(2026, 11, 25), sent=2,
                                                                               bounced=1, meetings=1)]
    chart = daily_chart(days)
    assert [(line.key, line.label) for line in chart.lines] == [
        ("sent", "sent"), ("delivered", "delivered"), ("replied", "replies"),
        ("positive_replies", "positive replies"), ("meetings", "meetings"), ("bounced", "bounces")]
    assert [tick.label for tick in chart.x_ticks] == ["Nov 24", "Nov 25"]
    assert [(p.x, p.y, p.title) for p in chart.lines[0].points] == [(48.0, 12.0, "Nov 24: 4 sent"),
                                                                    (624.0, 96.0, "Nov 25: 2 sent")]
    assert [line.key for line in daily_chart(days, TRENDS).lines] == ["sent", "replied", "positive_replies",
                                                                      "meetings"]


def test_a_mailbox_gets_its_bounce_and_complaint_rates_against_the_guards_thresholds() -> None:
    mailbox = MailboxDaily(name="sales", bounce_threshold=0.05, complaint_threshold=0.003, days=[
        MailboxDay(day=date(2026, 11, 24), sends=40, bounces=1),
        MailboxDay(day=date(2026, 11, 25), sends=20, bounces=2, complaints=1),
        MailboxDay(day=date(2026, 11, 26))])
    bounces, complaints = mailbox_charts(mailbox)
    assert [p.title for p in bounces.lines[0].points] == ["Nov 24: 2.5% bounce rate", "Nov 25: 10% bounce rate",
                                                          "Nov 26: 0% bounce rate"]
    assert [tick.label for tick in bounces.y_ticks] == ["0%", "5%", "10%"]
    assert [(t.label, t.y) for t in bounces.thresholds] == [("guard pauses above 5%", 96.0)]
    assert [tick.label for tick in complaints.y_ticks] == ["0%", "2%", "4%", "6%"]
    assert [(t.label, t.y) for t in complaints.thresholds] == [("guard pauses above 0.3%", 171.6)]
    assert [p.y for p in complaints.lines[0].points] == [180.0, 40.0, 180.0]
