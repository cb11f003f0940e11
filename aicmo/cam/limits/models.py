from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.db.base import Base, UTCDateTime


class RateCounterDB(Base):
    """Sends counted against one limit in one calendar window; incremented only while under the cap."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class RateGateDB(Base):
    """The earliest moment the next touch of one key (a lead) is allowed."""

    __tablename__ = "rate_gates"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    next_allowed_at: Mapped[datetime] = mapped_column(UTCDateTime)
