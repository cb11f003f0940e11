"""Campaign reports: one grouped query per breakdown, counting messages by where they ended up.

A message counts once, by its status now: queued (waiting or in flight), sent (out, nothing heard yet),
delivered, replied, bounced, failed, and stopped (cancelled or skipped). Funnel stages are cumulative:
"reached" is sent + delivered + replied; a rate is over the messages reached.
"""

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, computed_field
from sqlalchemy import case, func, select
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


def _counts() -> list[Any]:
    status = M.status

    def count(*statuses: MessageStatus) -> Any:
        return func.coalesce(func.sum(case((status.in_(statuses), 1), else_=0)), 0)

    return [func.count(), count(*_QUEUED), count(*_REACHED), count(MessageStatus.DELIVERED, MessageStatus.REPLIED),
            count(MessageStatus.REPLIED), count(MessageStatus.BOUNCED), count(MessageStatus.FAILED),
            count(*_STOPPED)]


def _funnel(key: object, counts: Sequence[int]) -> Funnel:
    messages, queued, reached, delivered, replied, bounced, failed, stopped = counts
    return Funnel(key=None if key is None else str(key), messages=messages, queued=queued, reached=reached,
                  delivered=delivered, replied=replied, bounced=bounced, failed=failed, stopped=stopped)


def campaign_report(db: Session, campaign_id: int) -> CampaignReport:
    """The campaign's funnel, and the same per channel used, per lead grade and per step and variant.

    One grouped pass over the campaign's messages (on PostgreSQL an index-only scan: the grade is kept on each
    message), by channel x grade x step x variant: a few dozen groups, summed here into each breakdown.
    """
    grade, variant = func.coalesce(M.lead_grade, "ungraded"), func.coalesce(M.template_variant, "")
    rows = db.execute(select(M.channel, grade, M.sequence_step, variant, *_counts())
                      .where(M.campaign_id == campaign_id).group_by(M.channel, grade, M.sequence_step, variant))
    total = [0] * 8
    sums: dict[str, dict[str, list[int]]] = {"channel": {}, "grade": {}, "variant": {}}
    for channel, lead_grade, step, variant_name, *counts in rows:
        keys = {"channel": getattr(channel, "value", channel) or "none", "grade": lead_grade,
                "variant": f"step {step + 1}" + (f" / {variant_name}" if variant_name else "")}
        for breakdown, key in keys.items():
            into = sums[breakdown].setdefault(key, [0] * 8)
            for i, value in enumerate(counts):
                into[i] += int(value or 0)
        for i, value in enumerate(counts):
            total[i] += int(value or 0)

    def ordered(breakdown: str, key: Callable[[str], Any] = str) -> list[Funnel]:
        return [_funnel(name, sums[breakdown][name]) for name in sorted(sums[breakdown], key=key)]

    return CampaignReport(campaign_id=campaign_id, total=_funnel(None, total), by_channel=ordered("channel"),
                          by_grade=ordered("grade"), by_variant=ordered("variant", _step_order))


def _step_order(key: str) -> tuple[int, str]:
    step, _, variant = key.removeprefix("step ").partition(" / ")
    return int(step), variant
