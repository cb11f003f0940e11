from datetime import datetime

from sqlalchemy import BigInteger, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.cam.outreach.domain import Channel
from aicmo.db.base import Base, UTCDateTime, str_enum, utcnow

DEFAULT_CURRENCY = "EUR"


class ChannelCostDB(Base):
    """What one channel costs: per message sent, per month (each mailbox, each LinkedIn seat, or flat for the contact
    form), and the operator's time on each manual task. Money in hundredths of the install's one currency."""

    __tablename__ = "channel_costs"

    channel: Mapped[Channel] = mapped_column(str_enum(Channel), primary_key=True)
    per_message_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    per_month_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    seats: Mapped[int] = mapped_column(Integer, default=1)  # LinkedIn seats paid for; email counts its mailboxes
    task_minutes: Mapped[float] = mapped_column(Float, default=0.0)  # an operator's minutes per LinkedIn/form task
    hourly_rate_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # One currency per install: every row carries the same code, changed together.
    currency: Mapped[str] = mapped_column(String(3), default=DEFAULT_CURRENCY)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
