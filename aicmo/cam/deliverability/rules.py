"""When a mailbox must stop sending: plain arithmetic over counted sends, bounces and complaints."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    bounce_rate: float = 0.05  # Amazon SES reviews a sender at 5% and pauses it at 10%
    complaint_rate: float = 0.003  # Gmail and Yahoo require under 0.3%
    min_sends: int = 20  # below this a single event says nothing yet


@dataclass(frozen=True)
class Window:
    label: str  # e.g. "last 200 sends", "last 24 h"
    sends: int
    bounces: int
    complaints: int

    @property
    def bounce_rate(self) -> float:
        return self.bounces / self.sends if self.sends else 0.0

    @property
    def complaint_rate(self) -> float:
        return self.complaints / self.sends if self.sends else 0.0


def pause_reason(windows: list[Window], thresholds: Thresholds) -> str | None:
    """Why the mailbox must pause, naming the figures; None while every window with enough sends is healthy."""
    for window in windows:
        if window.sends < thresholds.min_sends:
            continue
        if window.bounce_rate > thresholds.bounce_rate:
            return (f"bounce rate {window.bounce_rate:.1%} ({window.bounces} of {window.sends}) over the "
                    f"{window.label}, above {thresholds.bounce_rate:.1%}")
        if window.complaint_rate > thresholds.complaint_rate:
            return (f"complaint rate {window.complaint_rate:.2%} ({window.complaints} of {window.sends}) over the "
                    f"{window.label}, above {thresholds.complaint_rate:.2%}")
    return None
