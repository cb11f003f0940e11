"""A lead's timeline: every attempt on every channel and everything that came back, in the order it happened."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.inbox.models import InboundMessageDB
from aicmo.cam.outreach.models import OutreachAttemptDB


class TimelineEntry(BaseModel):
    at: datetime
    direction: Literal["out", "in"]  # an attempt we made, or something that came back
    kind: str  # the attempt's channel, or what came back: reply, bounce, complaint, ...
    outcome: str  # the attempt's outcome, or where it came from (imap, ses, ...)
    message_id: str | None
    detail: str | None
    text: str | None = None  # a reply's own words


def lead_timeline(db: Session, lead_id: int, *, limit: int = 500) -> list[TimelineEntry]:
    attempts = db.scalars(select(OutreachAttemptDB).where(OutreachAttemptDB.lead_id == lead_id)
                          .order_by(OutreachAttemptDB.started_at.desc()).limit(limit))
    incoming = db.scalars(select(InboundMessageDB).where(InboundMessageDB.lead_id == lead_id)
                          .order_by(InboundMessageDB.received_at.desc()).limit(limit))
    entries = [TimelineEntry(at=a.started_at, direction="out", kind=a.channel.value,
                             outcome=a.status.value + (f" ({a.error_kind.value})" if a.error_kind else ""),
                             message_id=a.message_id, detail=a.detail or a.target) for a in attempts]
    entries += [TimelineEntry(at=m.received_at, direction="in", kind=m.kind.value, outcome=m.source,
                              message_id=m.message_id, detail=m.detail, text=m.text) for m in incoming]
    return sorted(entries, key=lambda entry: entry.at)[-limit:]
