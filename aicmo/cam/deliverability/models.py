from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.db.base import Base, UTCDateTime, utcnow


class GuardThresholdsDB(Base):
    """The thresholds the deliverability guard applies, stored so every process applies and shows the same ones.

    One row at most; a column left empty takes the value of its AICMO_GUARD_* setting.
    """

    __tablename__ = "guard_thresholds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bounce_rate: Mapped[float | None]
    complaint_rate: Mapped[float | None]
    policy_rate: Mapped[float | None]
    min_sends: Mapped[int | None] = mapped_column(Integer)
    window_sends: Mapped[int | None] = mapped_column(Integer)
    window_hours: Mapped[float | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
