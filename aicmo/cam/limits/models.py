from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.db.base import Base, UTCDateTime, utcnow


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


class ChannelConfigDB(Base):
    """Whether a channel may send, how much, and how it retries. The scope `all` holds the global limits."""

    __tablename__ = "channel_configs"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    hourly_cap: Mapped[int | None] = mapped_column(Integer)
    daily_cap: Mapped[int | None] = mapped_column(Integer)
    weekly_cap: Mapped[int | None] = mapped_column(Integer)
    domain_daily_cap: Mapped[int | None] = mapped_column(Integer)
    min_lead_gap_hours: Mapped[float | None]
    retry_base_seconds: Mapped[float] = mapped_column(default=60.0)
    retry_cap_seconds: Mapped[float] = mapped_column(default=6 * 3600.0)
    max_retries: Mapped[int] = mapped_column(Integer, default=3)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
