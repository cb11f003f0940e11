"""A task as the operator sees it, in the shape of its kind: each kind has its own things to show and copy."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from aicmo.cam.outreach.domain import MessageStatus
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind, TaskKind, TaskStatus


class LinkedInTaskRead(BaseModel):
    """Whom to reach on LinkedIn, where, and the note to copy."""

    task_kind: Literal[TaskKind.LINKEDIN] = TaskKind.LINKEDIN
    id: int
    kind: LinkedInTaskKind
    status: TaskStatus
    provider: str
    lead_id: int
    lead_name: str
    company: str | None
    profile_url: str
    sales_navigator_url: str | None = Field(None, description="The lead in Sales Navigator, when an import gave it.")
    note: str
    message_id: str | None
    campaign_id: int | None
    external_id: str | None
    detail: str | None
    created_at: datetime
    completed_at: datetime | None


class ContactFormTaskRead(BaseModel):
    """A form to send by hand: whose, where, why, and the text to paste."""

    task_kind: Literal[TaskKind.FORM] = TaskKind.FORM
    id: int
    status: TaskStatus
    lead_id: int
    lead_name: str
    company: str | None
    campaign_id: int | None
    message_id: str
    form_url: str
    reason: str
    subject: str | None
    body: str
    # Where the message itself stands: the form is an extra offer, so another channel may have reached the lead.
    message_status: MessageStatus | None
    detail: str | None
    created_at: datetime
    completed_at: datetime | None


TaskRead = Annotated[LinkedInTaskRead | ContactFormTaskRead, Field(discriminator="task_kind")]
