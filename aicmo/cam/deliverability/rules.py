"""When a mailbox must stop sending: plain arithmetic over counted sends, bounces, complaints and policy refusals."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    bounce_rate: float = 0.05  # Amazon SES reviews a sender at 5% and pauses it at 10%
    complaint_rate: float = 0.003  # Gmail and Yahoo require under 0.3%
    # Receivers refusing mail as spam or by policy (5.7.x) judge the sender's reputation or content, not the lead.
    policy_rate: float = 0.02
    min_sends: int = 20  # below this a single event says nothing yet
    window_sends: int = 200  # rates over the mailbox's last N sends ...
    window_hours: float = 24.0  # ... and over the last hours


@dataclass(frozen=True)
class Window:
    label: str  # e.g. "last 200 sends", "last 24 h"
    sends: int
    bounces: int
    complaints: int
    policy_refusals: int = 0

    @property
    def bounce_rate(self) -> float:
        return self.bounces / self.sends if self.sends else 0.0

    @property
    def complaint_rate(self) -> float:
        return self.complaints / self.sends if self.sends else 0.0

    @property
    def policy_rate(self) -> float:
        return self.policy_refusals / self.sends if self.sends else 0.0


@dataclass(frozen=True)
class Verdicts:
    """Which of a window's rates the guard holds against the mailbox: above the threshold, on enough sends."""

    bounce: bool
    complaint: bool
    policy: bool


def judged(window: Window, thresholds: Thresholds) -> Verdicts:
    """The rates of a window that cross their thresholds; none while the window has too few sends to judge."""
    if window.sends < thresholds.min_sends:
        return Verdicts(False, False, False)
    return Verdicts(window.bounce_rate > thresholds.bounce_rate, window.complaint_rate > thresholds.complaint_rate,
                    window.policy_rate > thresholds.policy_rate)


def pause_reason(windows: list[Window], thresholds: Thresholds) -> str | None:
    """Why the mailbox must pause, naming the figures; None while every window with enough sends is healthy."""
    for window in windows:
        over = judged(window, thresholds)
        if over.bounce:
            return (f"bounce rate {window.bounce_rate:.1%} ({window.bounces} of {window.sends}) over the "
                    f"{window.label}, above {thresholds.bounce_rate:.1%}")
        if over.complaint:
            return (f"complaint rate {window.complaint_rate:.2%} ({window.complaints} of {window.sends}) over the "
                    f"{window.label}, above {thresholds.complaint_rate:.2%}")
        if over.policy:
            return (f"policy-refusal rate {window.policy_rate:.1%} ({window.policy_refusals} of {window.sends}) over "
                    f"the {window.label}, above {thresholds.policy_rate:.1%}")
    return None
