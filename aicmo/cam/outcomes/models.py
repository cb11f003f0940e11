from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.db.base import Base, UTCDateTime, str_enum, utcnow


class OutcomeKind(StrEnum):
    """What came of reaching a lead, from the first good sign to the deal's end."""

    POSITIVE_REPLY = "positive_reply"  # recorded by the inbox when a reply reads as interested
    MEETING = "meeting"
    OPPORTUNITY = "opportunity"  # an open deal: counts as pipeline
    WON = "won"
    LOST = "lost"


# "Meeting or better": what grading and attribution are judged against by default.
MEETING_OR_BETTER = frozenset({OutcomeKind.MEETING, OutcomeKind.OPPORTUNITY, OutcomeKind.WON})


class OutcomeDB(Base):
    """One thing that happened after outreach, for one lead: when, what it was worth, and who said so."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    kind: Mapped[OutcomeKind] = mapped_column(str_enum(OutcomeKind))
    # Hundredths of the currency's unit, so sums are exact on every database.
    value_cents: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(40))  # manual, api, import, webhook, inbox
    # The CRM's deal id (or the inbound message's id for a positive reply): importing it again updates the row.
    external_id: Mapped[str | None] = mapped_column(String(200))
    message_id: Mapped[str | None] = mapped_column(String(36))  # the outreach message a positive reply answered
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_outcomes_source_external_id"),
        Index("ix_outcomes_kind_occurred", "kind", "occurred_at"),
    )
