from datetime import datetime

from pydantic import BaseModel

from aicmo.cam.outreach.domain import MessageStatus
from aicmo.cam.outreach.forms.tasks.models import ContactFormTaskStatus


class ContactFormTaskRead(BaseModel):
    """A form to send by hand as the operator sees it: whose, where, why, and the text to paste."""

    id: int
    status: ContactFormTaskStatus
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
