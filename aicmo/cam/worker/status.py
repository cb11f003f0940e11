"""Where the outreach queue stands, for `aicmo status`: read-only, a handful of aggregate queries."""

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.engine.claim import next_due
from aicmo.cam.outreach.domain import MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.outreach.tasks.models import OperatorTaskDB, TaskKind, TaskStatus


class RunningCampaign(BaseModel):
    id: int
    name: str
    waiting: int  # messages not yet handed to a channel


class QueueStatus(BaseModel):
    now: datetime
    by_status: dict[str, int]  # every message, all campaigns and sent by hand
    open_linkedin_tasks: int
    due_now: int  # what a worker would claim right now
    next_attempt_at: datetime | None  # the earliest moment a waiting message falls due
    running_campaigns: list[RunningCampaign]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def queue_status(db: Session, now: datetime) -> QueueStatus:
    """Message counts per status, open LinkedIn tasks, messages due now, the next due time, running campaigns."""
    message = OutreachMessageDB
    by_status = {str(status): count for status, count in db.execute(
        select(message.status, func.count()).group_by(message.status))}
    open_tasks = db.scalar(select(func.count()).select_from(OperatorTaskDB).where(
        OperatorTaskDB.kind == TaskKind.LINKEDIN, OperatorTaskDB.status == TaskStatus.OPEN)) or 0
    running = select(CampaignDB.id).where(CampaignDB.status == campaigns.RUNNING)
    due = db.scalar(select(func.count()).select_from(message).where(
        message.status == MessageStatus.PENDING, message.next_attempt_at <= now,
        or_(message.campaign_id.is_(None), message.campaign_id.in_(running)))) or 0
    waiting = {campaign_id: count for campaign_id, count in db.execute(select(message.campaign_id, func.count())
               .where(message.campaign_id.in_(running),
                      message.status.in_((MessageStatus.PENDING, MessageStatus.QUEUED)))
               .group_by(message.campaign_id))}
    campaigns_running = [RunningCampaign(id=campaign.id, name=campaign.name, waiting=waiting.get(campaign.id, 0))
                         for campaign in db.scalars(select(CampaignDB).where(CampaignDB.status == campaigns.RUNNING)
                                                    .order_by(CampaignDB.id))]
    return QueueStatus(now=now, by_status=by_status, open_linkedin_tasks=open_tasks, due_now=due,
                       next_attempt_at=next_due(db), running_campaigns=campaigns_running)
