from datetime import datetime

from pydantic import BaseModel

from aicmo.cam.outreach.models import LinkedInTaskKind, LinkedInTaskStatus


class LinkedInTaskRead(BaseModel):
    """A task as the operator sees it: whom to reach, where, and the note to copy."""

    id: int
    kind: LinkedInTaskKind
    status: LinkedInTaskStatus
    provider: str
    lead_id: int
    lead_name: str
    company: str | None
    profile_url: str
    note: str
    message_id: str | None
    campaign_id: int | None
    external_id: str | None
    detail: str | None
    created_at: datetime
    completed_at: datetime | None
