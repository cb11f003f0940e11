from datetime import datetime

from pydantic import BaseModel, ConfigDict

from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.inbox.intent import ReplyIntent


class InboundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source: str
    mailbox_id: int | None
    kind: InboundKind
    address: str | None
    subject: str | None
    text: str | None
    detail: str | None
    lead_id: int | None
    message_id: str | None
    intent: ReplyIntent | None = None
    intent_corrected: bool = False
    received_at: datetime


class WebhookOutcome(BaseModel):
    received: int  # events in the request that we act on
    applied: int
    duplicates: int  # seen before: a provider's retry changes nothing
