"""Chart geometry for the templates' inline SVG: plain numbers, no drawing library. Bars here; lines in plots."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from aicmo.cam.analytics.daily import LABELS, SERIES, DayCounts
from aicmo.cam.analytics.grades import GradeCount
from aicmo.cam.analytics.mailbox_daily import MailboxDaily
from aicmo.cam.analytics.service import Funnel
from aicmo.cam.experiments.rules import Arm, posterior_curve
from aicmo.cam.experiments.schemas import ExperimentRead
from aicmo.web.dashboard.plots import LineChart, line_chart

# (Funnel field, label): what happened, counted by attempts and events; "sent" is what reached the lead.
STAGES = (("queued", "queued"), ("handed_over", "handed over"), ("reached", "sent"), ("replied", "replied"),
          ("positive_replies", "positive"), ("bounced", "bounced"))
TRENDS = ("sent", "replied", "positive_replies", "meetings")
LABEL_WIDTH, BAR_SPACE, ROW_HEIGHT, BAR_HEIGHT = 90, 260, 28, 18


@dataclass(frozen=True)
class Bar:
    stage: str  # the Funnel field, or the group drawn
    label: str
    count: int
    y: int
    width: int  # 0 for a count of 0, at least 2 otherwise so a small count still shows


@dataclass(frozen=True)
class FunnelChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int


def bar_chart(rows: Sequence[tuple[str, str, int]], largest: int = 0) -> FunnelChart:
    """One horizontal bar per (key, label, count), scaled to the largest count (or `largest` if more)."""
    scale = max([largest, *(count for _, _, count in rows)]) or 1
    bars = [Bar(key, label, count, index * ROW_HEIGHT, max(2, round(BAR_SPACE * count / scale)) if count else 0)
            for index, (key, label, count) in enumerate(rows)]
    return FunnelChart(bars, LABEL_WIDTH + BAR_SPACE + 50, len(bars) * ROW_HEIGHT, LABEL_WIDTH, BAR_HEIGHT)


def funnel_chart(funnel: Funnel) -> FunnelChart:
    """One horizontal bar per stage, scaled to the campaign's message count."""
    return bar_chart([(stage, label, int(getattr(funnel, stage))) for stage, label in STAGES], funnel.messages)


def grade_chart(grades: Sequence[GradeCount]) -> FunnelChart:
    """One bar per grade, A to D, then the ungraded."""
    return bar_chart([(f"grade-{row.grade}", row.grade, row.leads) for row in grades])


def _day(day: date) -> str:
    return f"{day:%b} {day.day}"


def daily_chart(days: Sequence[DayCounts], names: Sequence[str] = SERIES) -> LineChart:
    """A line per figure (sends, deliveries, replies, ...) over the days, or weeks keyed by their Monday."""
    return line_chart([_day(day.day) for day in days],
                      [(name, LABELS[name], [getattr(day, name) for day in days]) for name in names])


def mailbox_charts(mailbox: MailboxDaily) -> tuple[LineChart, LineChart]:
    """The mailbox's daily bounce rate and complaint rate, each against the guard's threshold."""
    labels = [_day(day.day) for day in mailbox.days]
    bounces = line_chart(labels, [("bounce_rate", "bounce rate", [day.bounce_rate for day in mailbox.days])],
                         percent=True, thresholds=[("guard pauses above", mailbox.bounce_threshold)])
    complaints = line_chart(labels, [("complaint_rate", "complaint rate",
                                      [day.complaint_rate for day in mailbox.days])],
                            percent=True, thresholds=[("guard pauses above", mailbox.complaint_threshold)])
    return bounces, complaints


POSTERIOR_POINTS = 61


def posterior_chart(experiment: ExperimentRead) -> LineChart:
    """Each variant's posterior density of its rate, over the range their 95% intervals span."""
    arms = [Arm(v.name, v.sends, v.goals) for v in experiment.variants]
    low = max(0.0, min(v.rate_low for v in experiment.variants) * 0.8)
    high = min(1.0, max(v.rate_high for v in experiment.variants) * 1.2)
    xs = [low + (high - low) * index / (POSTERIOR_POINTS - 1) for index in range(POSTERIOR_POINTS)]
    labels = [f"{x * 100:.3g}%" for x in xs]
    return line_chart(labels, [(arm.name, arm.name, posterior_curve(arm, xs)) for arm in arms])
