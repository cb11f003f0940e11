from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.db.base import Base, JSONType, UTCDateTime, utcnow


class CampaignEventDB(Base):
    """Something decided about a campaign, with when and why: e.g. an experiment's winner applied."""

    __tablename__ = "campaign_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(60))  # e.g. experiment.started, experiment.winner_applied
    summary: Mapped[str] = mapped_column(Text)  # the why, in a sentence
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    __table_args__ = (Index("ix_campaign_history_campaign_at", "campaign_id", "at"),)
