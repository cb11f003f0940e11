from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.db.base import Base, JSONType, UTCDateTime


class ChannelOrderChoiceDB(Base):
    """The channel order a lead got when its sequence in a campaign started, and the evidence it was chosen on."""

    __tablename__ = "channel_order_choices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    segment: Mapped[str] = mapped_column(String(200))
    channel_order: Mapped[list[str]] = mapped_column(JSONType)
    # Per order, [settled leads, positives] in the segment when the choice was made: with the seed of the
    # campaign and the lead, the same draw can be made again.
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("campaign_id", "lead_id"),
        Index("ix_channel_order_choices_campaign_segment", "campaign_id", "segment"),
    )
