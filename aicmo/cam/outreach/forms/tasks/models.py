from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.db.base import Base, UTCDateTime, str_enum, utcnow


class ContactFormTaskStatus(StrEnum):
    OPEN = "open"  # waiting for the operator
    DONE = "done"  # sent by hand
    FAILED = "failed"  # could not be sent by hand either
    CANCELLED = "cancelled"  # the lead replied, unsubscribed or was stopped before it was sent


class ContactFormTaskDB(Base):
    """A contact form left to the operator: where it is, why a machine may not send it, and what to write."""

    __tablename__ = "contact_form_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    # One task per message: the same message meeting the form again finds the task it already left.
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    form_url: Mapped[str] = mapped_column(String(1000))
    reason: Mapped[str] = mapped_column(Text)  # e.g. "reCAPTCHA v2 on the form"
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[ContactFormTaskStatus] = mapped_column(
        str_enum(ContactFormTaskStatus), default=ContactFormTaskStatus.OPEN, index=True)
    detail: Mapped[str | None] = mapped_column(Text)  # the operator's note, or why it failed or was cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
