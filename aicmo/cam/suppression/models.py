from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.db.base import Base, UTCDateTime, str_enum, utcnow


class SuppressionKind(StrEnum):
    ADDRESS = "address"
    DOMAIN = "domain"


class SuppressionDB(Base):
    """An address or a whole domain that no channel may reach, why, and since when."""

    __tablename__ = "suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SuppressionKind] = mapped_column(str_enum(SuppressionKind))
    value: Mapped[str] = mapped_column(String(320))  # lower-case address, or lower-case domain
    reason: Mapped[str] = mapped_column(String(40))  # unsubscribe, complaint, hard_bounce, manual, import
    detail: Mapped[str | None] = mapped_column(Text)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("kind", "value"),)
