from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.db.base import Base, JSONType, UTCDateTime, utcnow


class SequenceConfigDB(Base):
    """A campaign's sequence: its steps (channels, delay, templates), send window and stop rules."""

    __tablename__ = "sequence_configs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), unique=True)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    send_window: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # On a reply, also stop the sequence for every other lead at the same company domain.
    stop_company_on_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
