from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.cam.outreach.domain import Channel
from aicmo.db.base import Base, UTCDateTime, str_enum, utcnow


class TaskKind(StrEnum):
    LINKEDIN = "linkedin"  # a connection request or message to send on LinkedIn
    FORM = "form"  # a contact form a machine must not send (CAPTCHA, JavaScript only), to send by hand


class TaskStatus(StrEnum):
    OPEN = "open"  # waiting for the operator or the automation
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"  # the lead replied, unsubscribed or was stopped before the task was done


class LinkedInTaskKind(StrEnum):
    CONNECTION_REQUEST = "connection_request"
    MESSAGE = "message"


# What a task of each kind is called in messages and errors, and the channel whose attempt it records.
LABELS = {TaskKind.LINKEDIN: "LinkedIn task", TaskKind.FORM: "contact-form task"}
CHANNELS = {TaskKind.LINKEDIN: Channel.LINKEDIN, TaskKind.FORM: Channel.CONTACT_FORM}


class OperatorTaskDB(Base):
    """A step left to a person, or to an automation: a LinkedIn step, or a contact form to send by hand."""

    __tablename__ = "operator_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[TaskKind] = mapped_column(str_enum(TaskKind))
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    # One task of a kind per message: the same message coming back finds the task it already left.
    message_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[TaskStatus] = mapped_column(str_enum(TaskStatus), default=TaskStatus.OPEN, index=True)
    action: Mapped[LinkedInTaskKind | None] = mapped_column(str_enum(LinkedInTaskKind))  # LinkedIn only
    # Who carries a LinkedIn step out: `tasks` (a person) or `webhook` (an automation); none for a form.
    provider: Mapped[str | None] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(1000))  # the profile or the form's page
    reason: Mapped[str | None] = mapped_column(Text)  # why a form is left to a person, e.g. "reCAPTCHA v2 on the form"
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)  # the note or message to send, or the text to paste into the form
    external_id: Mapped[str | None] = mapped_column(String(200))  # the automation's own id for the step
    detail: Mapped[str | None] = mapped_column(Text)  # the operator's note, or why it failed or was cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("kind", "message_id"),)
