"""Rate-limit rules: calendar windows, caps, gaps between touches, and the decision they make together."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

OVERALL = "all"


class Period(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"


LENGTHS = {Period.HOUR: timedelta(hours=1), Period.DAY: timedelta(days=1), Period.WEEK: timedelta(weeks=1)}


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("naive datetime given; rate limits count in UTC-aware time only")
    return now.astimezone(UTC)


def window_start(now: datetime, period: Period) -> datetime:
    """Start the UTC calendar window holding now: top of the hour, midnight, or Monday midnight."""
    start = _utc(now).replace(minute=0, second=0, microsecond=0)
    if period is Period.HOUR:
        return start
    start = start.replace(hour=0)
    return start if period is Period.DAY else start - timedelta(days=start.weekday())


def window_end(now: datetime, period: Period) -> datetime:
    return window_start(now, period) + LENGTHS[period]


@dataclass(frozen=True, slots=True)
class Limit:
    key: str
    cap: int
    period: Period
    # Who is limited, in words ("email", "mailbox sales"); the key stands in when empty.
    label: str = ""

    def reason(self) -> str:
        return f"{self.key}: {self.label or self.key} per {self.period} (cap {self.cap})"


@dataclass(frozen=True, slots=True)
class Gate:
    key: str
    gap: timedelta
    label: str = ""

    def reason(self, next_allowed_at: datetime) -> str:
        hours = self.gap.total_seconds() / 3600
        return (f"{self.key}: one touch of {self.label or self.key} every {hours:g} h "
                f"(next at {next_allowed_at.isoformat()})")


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    retry_at: datetime | None = None
    blocked_by: str | None = None


ALLOWED = Decision(allowed=True)


def decide(limits: Iterable[Limit], gates: Iterable[Gate], counts: Mapping[tuple[str, datetime], int],
           gate_times: Mapping[str, datetime], now: datetime) -> Decision:
    """Allow when every count is under its cap and every gate has opened; else say until when not."""
    blockers: list[tuple[datetime, str]] = []
    for limit in limits:
        if counts.get((limit.key, window_start(now, limit.period)), 0) >= limit.cap:
            blockers.append((window_end(now, limit.period), limit.reason()))
    for gate in gates:
        opens_at = gate_times.get(gate.key)
        if opens_at is not None and opens_at > now:
            blockers.append((opens_at, gate.reason(opens_at)))
    if not blockers:
        return ALLOWED
    # The latest blocker frees up last: before then, something still says no.
    return Decision(allowed=False, retry_at=max(at for at, _ in blockers),
                    blocked_by="; ".join(reason for _, reason in blockers))


def warmup_cap(daily_cap: int, start: int | None, increment: int | None, started_at: datetime | None,
               now: datetime) -> int:
    """Cap a warming mailbox at start + increment per whole day since warm-up began, never above daily_cap."""
    if start is None or started_at is None:
        return daily_cap
    days = max(0, (_utc(now) - _utc(started_at)) // timedelta(days=1))
    return max(0, min(daily_cap, start + (increment or 0) * days))


@dataclass(frozen=True, slots=True)
class SendScope:
    channel: str
    lead_id: int
    company_domain: str | None = None
    mailbox: str | None = None
    # The mailbox's cap for today, warm-up already applied (see warmup_cap).
    mailbox_daily_cap: int | None = None


@dataclass(frozen=True, slots=True)
class ChannelLimits:
    enabled: bool = True
    hourly_cap: int | None = None
    daily_cap: int | None = None
    weekly_cap: int | None = None
    domain_daily_cap: int | None = None
    min_lead_gap_hours: float | None = None
    retry_base_seconds: float = 60.0
    retry_cap_seconds: float = 6 * 3600.0
    max_retries: int = 3


# LinkedIn itself allows roughly 100-200 invitations a week; stay at the safe end.
# Across all channels, touch one lead at most once a day.
DEFAULT_LIMITS: Mapping[str, ChannelLimits] = {
    "email": ChannelLimits(daily_cap=None),
    "linkedin": ChannelLimits(weekly_cap=100),
    "contact_form": ChannelLimits(),
    OVERALL: ChannelLimits(min_lead_gap_hours=24.0),
}


def _caps(prefix: str, label: str, limits: ChannelLimits) -> list[Limit]:
    caps = ((limits.hourly_cap, Period.HOUR), (limits.daily_cap, Period.DAY), (limits.weekly_cap, Period.WEEK))
    return [Limit(f"{prefix}:{period}", cap, period, label) for cap, period in caps if cap is not None]


def lead_gate_key(lead_id: int) -> str:
    """The key of a lead's gate across channels; its per-channel gates add ":<channel>"."""
    return f"lead:{lead_id}"


def limits_for(scope: SendScope, channel: ChannelLimits, overall: ChannelLimits) -> tuple[list[Limit], list[Gate]]:
    """Build every limit and gate one send in this scope must pass."""
    limits = _caps(f"channel:{scope.channel}", scope.channel, channel)
    if scope.mailbox and scope.mailbox_daily_cap is not None:
        limits.append(Limit(f"mailbox:{scope.mailbox}:day", scope.mailbox_daily_cap, Period.DAY,
                            f"mailbox {scope.mailbox}"))
    if scope.company_domain and channel.domain_daily_cap is not None:
        domain = scope.company_domain.lower()
        limits.append(Limit(f"domain:{scope.channel}:{domain}:day", channel.domain_daily_cap, Period.DAY,
                            f"{scope.channel} to {domain}"))
    limits += _caps("global", "all channels", overall)
    gates = []
    if overall.min_lead_gap_hours:
        gates.append(Gate(lead_gate_key(scope.lead_id), timedelta(hours=overall.min_lead_gap_hours),
                          f"lead {scope.lead_id}"))
    if channel.min_lead_gap_hours:
        gates.append(Gate(f"{lead_gate_key(scope.lead_id)}:{scope.channel}",
                          timedelta(hours=channel.min_lead_gap_hours), f"lead {scope.lead_id} by {scope.channel}"))
    return limits, gates
