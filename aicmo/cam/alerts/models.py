from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.db.base import Base, JSONType, UTCDateTime, utcnow


class AlertDB(Base):
    """Something the operator must see, e.g. "mailbox sales-1 paused: bounce rate 6.2% over the last 200 sends"."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))  # e.g. mailbox.paused
    subject: Mapped[str | None] = mapped_column(String(200))  # what it is about, e.g. the mailbox's name
    message: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_alerts_acknowledged_created", "acknowledged_at", "created_at"),)
