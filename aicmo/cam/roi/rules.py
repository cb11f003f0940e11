"""What a campaign cost and earned, as plain arithmetic: costs in cents, ratios that are None when undefined.

Monthly costs (each mailbox, each LinkedIn seat, a contact-form tool) are prorated over the campaign's active days,
from the day of its first attempt to the day of its last, both counted, at 30 days a month. A campaign carries
the whole of each mailbox and seat it used over those days, even when another campaign shares them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from aicmo.cam.outreach.domain import Channel

# scipy is imported in the functions that use it: loading it takes a second, which every `aicmo` command
# would otherwise pay.

DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class Rates:
    per_message_cents: int = 0
    per_month_cents: int = 0
    task_minutes: float = 0.0
    hourly_rate_cents: int = 0


@dataclass(frozen=True)
class Usage:
    messages: int = 0  # attempts the channel accepted
    units: int = 0  # mailboxes sent from, LinkedIn seats, or 1 for a contact-form tool: what the monthly fee is per
    tasks: int = 0  # LinkedIn and contact-form steps an operator carried out by hand


@dataclass(frozen=True)
class Cost:
    messages_cents: int
    monthly_cents: int
    tasks_cents: int

    @property
    def total_cents(self) -> int:
        return self.messages_cents + self.monthly_cents + self.tasks_cents


def active_days(first: datetime | None, last: datetime | None) -> int:
    """Calendar days from the first attempt's day to the last's, both counted; 0 with no attempt."""
    if first is None or last is None:
        return 0
    return (last.date() - first.date()).days + 1


def monthly_units(channel: Channel, *, used: bool, mailboxes: int, seats: int) -> int:
    """What a channel's monthly fee is paid for: each mailbox the campaign sent from, each LinkedIn seat when it used
    LinkedIn, one contact-form tool when it used forms."""
    if channel is Channel.EMAIL:
        return mailboxes
    if not used:
        return 0
    return seats if channel is Channel.LINKEDIN else 1


def channel_cost(rates: Rates, usage: Usage, days: int) -> Cost:
    """Messages × rate, monthly fee × units × days / 30, and tasks × minutes × hourly rate / 60; each in whole cents."""
    monthly = round(rates.per_month_cents * usage.units * days / DAYS_PER_MONTH)
    tasks = round(usage.tasks * rates.task_minutes * rates.hourly_rate_cents / 60)
    return Cost(usage.messages * rates.per_message_cents, monthly, tasks)


def roi(revenue: float, cost: float) -> float | None:
    """(revenue - cost) / cost; None when nothing was spent."""
    return (revenue - cost) / cost if cost else None


def per(amount: float, count: float) -> float | None:
    """The amount for each one (cost per meeting, per won deal); None when there is none."""
    return amount / count if count else None


def per_thousand(amount: float, leads: int) -> float | None:
    return amount * 1000 / leads if leads else None


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def auc(positive: Sequence[float], negative: Sequence[float]) -> float | None:
    """The chance a lead that converted scored above one that did not (ties count half): the ROC AUC, from the
    Mann-Whitney U statistic. 0.5 is a coin toss; None without leads on both sides."""
    from scipy.stats import mannwhitneyu
    if not positive or not negative:
        return None
    statistic = mannwhitneyu(positive, negative, alternative="two-sided").statistic
    return float(statistic) / (len(positive) * len(negative))
