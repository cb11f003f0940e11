"""Campaign reports: what happened to a campaign's messages, overall and per channel, grade and step/variant.

Sends, deliveries, replies, bounces, complaints and unsubscribes are counted from the attempts and events (see
aicmo.cam.analytics.counts), so a bounce on email stays a bounce on email after the message falls back to
LinkedIn. Messages, queued and stopped count messages by their status now. Rates are over what reached the lead:
sends, less the bounces that came back after the server had accepted them. The bounce rate is over what the
receiving servers answered (sends and refusals), as the deliverability guard and `mailboxes status` compute it.
"""

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pydantic import BaseModel, computed_field
from sqlalchemy.orm import Session

from aicmo.cam.analytics.counts import Counts, Tally, count_activity
from aicmo.cam.outreach.domain import Channel


class Funnel(BaseModel):
    key: str | None  # the group: a channel, a grade, "step N / variant"; None for the whole campaign
    messages: int
    queued: int  # waiting or in flight now
    stopped: int  # cancelled or skipped
    sent: int
    handed_over: int  # waiting on a person or an automation (LinkedIn and form tasks)
    failed: int
    refused: int  # refused by the receiving server as a hard bounce, on the spot
    delivered: int  # confirmed by a provider's delivery event
    replied: int
    positive_replies: int
    auto_replies: int
    hard_bounced: int
    soft_bounced: int
    policy_rejections: int
    complaints: int
    unsubscribes: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def bounced(self) -> int:
        return self.hard_bounced + self.soft_bounced

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reached(self) -> int:
        """Sends that stayed sent: less the hard bounces that came back after the server accepted the message."""
        return max(0, self.sent - (self.hard_bounced - self.refused))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reply_rate(self) -> float:
        return self.replied / self.reached if self.reached else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def positive_reply_rate(self) -> float:
        """Positive replies over messages that reached the lead (never over replies)."""
        return self.positive_replies / self.reached if self.reached else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def bounce_rate(self) -> float:
        """Hard bounces over what the receiving servers answered: sends and on-the-spot refusals."""
        attempted = self.sent + self.refused
        return self.hard_bounced / attempted if attempted else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def complaint_rate(self) -> float:
        attempted = self.sent + self.refused
        return self.complaints / attempted if attempted else 0.0

    @classmethod
    def of(cls, key: object, tally: Tally) -> "Funnel":
        return cls(key=None if key is None else str(key), **asdict(tally))


class CampaignReport(BaseModel):
    campaign_id: int
    total: Funnel
    by_channel: list[Funnel]
    by_grade: list[Funnel]
    by_step: list[Funnel]  # "step N" keys, in sequence order
    by_variant: list[Funnel]  # "step N" or "step N / variant" keys, in sequence order


def _step_order(key: str) -> tuple[int, str]:
    step, _, variant = key.removeprefix("step ").partition(" / ")
    return int(step), variant


def _funnels(counts: Counts, breakdown: str, order: Any = str) -> list[Funnel]:
    groups = counts.groups.get((breakdown,), {})
    return [Funnel.of(key[0], groups[key]) for key in sorted(groups, key=lambda key: order(key[0]))]


def campaign_report(db: Session, campaign_id: int, *, since: datetime | None = None,
                    until: datetime | None = None) -> CampaignReport:
    """The campaign's funnel, and the same per channel, per lead grade, per step and per step and variant."""
    counts = count_activity(db, campaign_id=campaign_id, since=since, until=until)
    return CampaignReport(campaign_id=campaign_id, total=Funnel.of(None, counts.total),
                          by_channel=_funnels(counts, "channel"), by_grade=_funnels(counts, "grade"),
                          by_step=_funnels(counts, "step", _step_order),
                          by_variant=_funnels(counts, "variant", _step_order))


class ChannelMetrics(Funnel):
    channel: Channel


def channel_metrics(db: Session, *, since: datetime, until: datetime,
                    campaign_id: int | None = None) -> list[ChannelMetrics]:
    """Per channel, what happened in [since, until): the same figures as a campaign report's channel rows."""
    counts = count_activity(db, campaign_id=campaign_id, since=since, until=until, breakdowns=[("channel",)])
    groups = counts.groups[("channel",)]
    return [ChannelMetrics(channel=channel, **Funnel.of(channel.value, groups.get((channel.value,), Tally()))
                           .model_dump(exclude=_COMPUTED)) for channel in Channel]


_COMPUTED = {"bounced", "reached", "reply_rate", "positive_reply_rate", "bounce_rate", "complaint_rate"}
