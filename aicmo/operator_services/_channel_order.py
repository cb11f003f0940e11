"""Channel-order learning: what each order has brought per segment of a campaign's leads."""

from datetime import datetime

from sqlalchemy.orm import Session

from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.channel_order import service as channel_order
from aicmo.cam.channel_order.rules import campaign_channels
from aicmo.cam.channel_order.schemas import ChannelOrderReport
from aicmo.db.base import utcnow


def get_channel_order(db: Session, campaign: int | str, *, now: datetime | None = None) -> ChannelOrderReport:
    """Per segment and channel order: leads, positive outcomes, rate, probability to be best, share of new leads."""
    found = campaigns.get(db, campaign)
    read = campaigns.read(db, found)
    channels = campaign_channels(step.channels for step in read.steps)
    return ChannelOrderReport(campaign_id=found.id, campaign=found.name, learning=read.channel_order,
                              segments=channel_order.segments(db, found.id, read.channel_order, channels,
                                                              now or utcnow()))
