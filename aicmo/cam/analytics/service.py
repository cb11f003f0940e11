"""Campaign reports: one grouped query for every breakdown, counting messages by where they ended up.

A message counts once, by its status now: queued (waiting or in flight), sent (out, nothing heard yet),
delivered, replied, bounced, failed, and stopped (cancelled or skipped). Funnel stages are cumulative:
"reached" is sent + delivered + replied; a rate is over the messages reached.
"""

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, computed_field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo.cam.outreach.domain import MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB as M

_QUEUED = (MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.SENDING)
_REACHED = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.REPLIED)
_STOPPED = (MessageStatus.CANCELLED, MessageStatus.SKIPPED)


class Funnel(BaseModel):
    key: str | None  # the group: a channel, a grade, a variant; None for the whole campaign
    messages: int
    queued: int
    reached: int  # sent, delivered or replied
    delivered: int  # delivered or replied
    replied: int
    bounced: int
    failed: int
    stopped: int  # cancelled or skipped

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reply_rate(self) -> float:
        return self.replied / self.reached if self.reached else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def bounce_rate(self) -> float:
        attempted = self.reached + self.bounced
        return self.bounced / attempted if attempted else 0.0


class CampaignReport(BaseModel):
    campaign_id: int
    total: Funnel
    by_channel: list[Funnel]
    by_grade: list[Funnel]
    by_variant: list[Funnel]  # "step N / variant" keys


def _buckets(status: MessageStatus) -> tuple[int, ...]:
    """Which funnel counts one message in this status adds to, in Funnel's order after `messages`."""
    return (1, int(status in _QUEUED), int(status in _REACHED),
            int(status in (MessageStatus.DELIVERED, MessageStatus.REPLIED)), int(status is MessageStatus.REPLIED),
            int(status is MessageStatus.BOUNCED), int(status is MessageStatus.FAILED), int(status in _STOPPED))


_BUCKETS = {status: _buckets(status) for status in MessageStatus}


def _funnel(key: object, counts: Sequence[int]) -> Funnel:
    messages, queued, reached, delivered, replied, bounced, failed, stopped = counts
    return Funnel(key=None if key is None else str(key), messages=messages, queued=queued, reached=reached,
                  delivered=delivered, replied=replied, bounced=bounced, failed=failed, stopped=stopped)


def campaign_report(db: Session, campaign_id: int) -> CampaignReport:
    """The campaign's funnel, and the same per channel used, per lead grade and per step and variant.

    One pass over the campaign's messages counting them per channel, status, grade, step and variant: the columns
    of ix_outreach_messages_campaign_channel_status in its order, so the database streams the counts straight
    from the index (the grade is kept on each message). A few hundred groups at most, summed here.
    """
    rows = db.execute(select(M.channel, M.status, M.lead_grade, M.sequence_step, M.template_variant, func.count())
                      .where(M.campaign_id == campaign_id)
                      .group_by(M.channel, M.status, M.lead_grade, M.sequence_step, M.template_variant))
    total = [0] * 8
    sums: dict[str, dict[str, list[int]]] = {"channel": {}, "grade": {}, "variant": {}}
    for channel, status, lead_grade, step, variant_name, count in rows:
        keys = {"channel": getattr(channel, "value", channel) or "none", "grade": lead_grade or "ungraded",
                "variant": f"step {step + 1}" + (f" / {variant_name}" if variant_name else "")}
        counts = [count * flag for flag in _BUCKETS[MessageStatus(status)]]
        for breakdown, key in keys.items():
            into = sums[breakdown].setdefault(key, [0] * 8)
            for i, value in enumerate(counts):
                into[i] += value
        for i, value in enumerate(counts):
            total[i] += value

    def ordered(breakdown: str, key: Callable[[str], Any] = str) -> list[Funnel]:
        return [_funnel(name, sums[breakdown][name]) for name in sorted(sums[breakdown], key=key)]

    return CampaignReport(campaign_id=campaign_id, total=_funnel(None, total), by_channel=ordered("channel"),
                          by_grade=ordered("grade"), by_variant=ordered("variant", _step_order))


def _step_order(key: str) -> tuple[int, str]:
    step, _, variant = key.removeprefix("step ").partition(" / ")
    return int(step), variant
