from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.db.base import Base, JSONType, UTCDateTime, utcnow


class ExperimentDB(Base):
    """An A/B test on one step of a campaign: its variants, its goal, its winner rule and what it decided."""

    __tablename__ = "experiments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(Integer)  # the sequence step, from 0
    kind: Mapped[str] = mapped_column(String(20))  # what varies: subject, body, linkedin_note, channel_order
    goal: Mapped[str] = mapped_column(String(20))  # positive_reply, meeting, reply
    # [{"name", "weight", "subject", "body", "channels"}]; the first is the control.
    variants: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    auto_winner: Mapped[str] = mapped_column(String(10), default="off")  # off, notify, apply
    allocation: Mapped[str] = mapped_column(String(10), default="fixed")  # fixed weights or thompson
    rule: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # WinnerRule fields set by the user
    status: Mapped[str] = mapped_column(String(10), default="running")  # running, decided, applied
    winner: Mapped[str | None] = mapped_column(String(50))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)  # why it was decided, or why not yet at the last review
    # The running always-valid p-values ("p_values") and Thompson allocation weights ("weights").
    state: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("campaign_id", "step", name="uq_experiments_campaign_id_step"),)
