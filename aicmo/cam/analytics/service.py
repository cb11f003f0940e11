"""Campaign reports: one grouped query per breakdown, counting messages by where they ended up.

A message counts once, by its status now: queued (waiting or in flight), sent (out, nothing heard yet),
delivered, replied, bounced, failed, and stopped (cancelled or skipped). Funnel stages are cumulative:
"reached" is sent + delivered + replied; a rate is over the messages reached.
"""

from typing import Any

from pydantic import BaseModel, computed_field
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from aicmo.cam.leads.models import LeadDB
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


def _funnel(key: object, row: Any) -> Funnel:
    messages, queued, reached, delivered, replied, bounced, failed, stopped = (int(v or 0) for v in row)
    return Funnel(key=None if key is None else str(key), messages=messages, queued=queued, reached=reached,
                  delivered=delivered, replied=replied, bounced=bounced, failed=failed, stopped=stopped)


def campaign_report(db: Session, campaign_id: int) -> CampaignReport:
    """The campaign's funnel, and the same per channel used, per lead grade and per step and variant."""
    where = M.campaign_id == campaign_id
    total = db.execute(select(*_counts()).where(where)).one()
    channels = db.execute(select(M.channel, *_counts()).where(where).group_by(M.channel).order_by(M.channel))
    grades = db.execute(select(LeadDB.grade, *_counts()).join(LeadDB, LeadDB.id == M.lead_id).where(where)
                        .group_by(LeadDB.grade).order_by(LeadDB.grade))
    variant = func.coalesce(M.template_variant, "")
    variants = db.execute(select(M.sequence_step, variant, *_counts()).where(where)
                          .group_by(M.sequence_step, variant).order_by(M.sequence_step, variant))
    return CampaignReport(
        campaign_id=campaign_id, total=_funnel(None, total),
        by_channel=[_funnel(getattr(row[0], "value", row[0]), row[1:]) for row in channels],
        by_grade=[_funnel(row[0] or "ungraded", row[1:]) for row in grades],
        by_variant=[_funnel(f"step {row[0] + 1}" + (f" / {row[1]}" if row[1] else ""), row[2:]) for row in variants])
