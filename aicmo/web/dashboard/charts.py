"""Chart geometry for the templates' inline SVG: plain numbers, no drawing library."""

from dataclasses import dataclass

from aicmo.cam.analytics.service import Funnel

# (Funnel field, label): what happened, counted by attempts and events; "sent" is what reached the lead.
STAGES = (("queued", "queued"), ("handed_over", "handed over"), ("reached", "sent"), ("replied", "replied"),
          ("positive_replies", "positive"), ("bounced", "bounced"))
LABEL_WIDTH, BAR_SPACE, ROW_HEIGHT, BAR_HEIGHT = 90, 260, 28, 18


@dataclass(frozen=True)
class Bar:
    stage: str  # the Funnel field
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


def funnel_chart(funnel: Funnel) -> FunnelChart:
    """One horizontal bar per stage, scaled to the campaign's message count."""
    counts = [(stage, label, int(getattr(funnel, stage))) for stage, label in STAGES]
    largest = max([funnel.messages, *(count for _, _, count in counts)]) or 1
    bars = [Bar(stage, label, count, index * ROW_HEIGHT,
                max(2, round(BAR_SPACE * count / largest)) if count else 0)
            for index, (stage, label, count) in enumerate(counts)]
    return FunnelChart(bars, LABEL_WIDTH + BAR_SPACE + 50, len(bars) * ROW_HEIGHT, LABEL_WIDTH, BAR_HEIGHT)
