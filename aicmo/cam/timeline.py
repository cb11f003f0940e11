"""A lead's timeline: every attempt on every channel, everything that came back (a reply with what it meant), and
what came of it (meetings, deals), in the order it happened."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.channel_order.rules import order_label
from aicmo.cam.channel_order.service import lead_choices
from aicmo.cam.inbox.models import InboundMessageDB
from aicmo.cam.outcomes.models import OutcomeDB
from aicmo.cam.outreach.domain import Channel
from aicmo.cam.outreach.models import OutreachAttemptDB


class TimelineEntry(BaseModel):
    at: datetime
    # An attempt we made, something that came back, a result, or a decision taken for the lead.
    direction: Literal["out", "in", "outcome", "decision"]
    # The attempt's channel; what came back: reply, bounce, ...; the outcome: meeting, won, ...; or channel_order
    kind: str
    # The attempt's outcome; where it came from (imap, ses, ...); an outcome's value and source; or the order chosen
    outcome: str
    message_id: str | None
    detail: str | None
    text: str | None = None  # a reply's own words
    intent: str | None = None  # what a reply meant: positive, negative, wrong_person, ...


def lead_timeline(db: Session, lead_id: int, *, limit: int = 500) -> list[TimelineEntry]:
    # Newest first to keep the latest `limit`, then oldest first: attempts at the same moment keep their order.
    attempts = reversed(db.scalars(select(OutreachAttemptDB).where(OutreachAttemptDB.lead_id == lead_id).order_by(
        OutreachAttemptDB.started_at.desc(), OutreachAttemptDB.id.desc()).limit(limit)).all())
    incoming = db.scalars(select(InboundMessageDB).where(InboundMessageDB.lead_id == lead_id)
                          .order_by(InboundMessageDB.received_at.desc()).limit(limit))
    entries = [TimelineEntry(at=a.started_at, direction="out", kind=a.channel.value,
                             outcome=a.status.value + (f" ({a.error_kind.value})" if a.error_kind else ""),
                             message_id=a.message_id, detail=a.detail or a.target) for a in attempts]
    entries += [TimelineEntry(at=m.received_at, direction="in", kind=m.kind.value, outcome=m.source,
                              message_id=m.message_id, detail=m.detail, text=m.text,
                              intent=m.intent.value if m.intent else None) for m in incoming]
    outcomes = db.scalars(select(OutcomeDB).where(OutcomeDB.lead_id == lead_id)
                          .order_by(OutcomeDB.occurred_at.desc()).limit(limit))
    entries += [TimelineEntry(at=o.occurred_at, direction="outcome", kind=o.kind.value, message_id=o.message_id,
                              outcome=(f"{o.value_cents / 100:,.2f} {o.currency} · " if o.value_cents is not None
                                       else "") + o.source, detail=o.note) for o in outcomes]
    entries += [TimelineEntry(at=c.chosen_at, direction="decision", kind="channel_order", message_id=None,
                              outcome=order_label([Channel(channel) for channel in c.channel_order]),
                              detail=f"campaign {c.campaign_id}, segment {c.segment}: drawn from what each order "
                                     "had brought there: " + evidence(c.evidence))
                for c in lead_choices(db, lead_id)]
    return sorted(entries, key=lambda entry: entry.at)[-limit:]


def evidence(counts: dict[str, list[int]]) -> str:
    """Each order's positives out of its settled leads, as a choice recorded them."""
    return "; ".join(f"{label} {positives} of {leads}" for label, (leads, positives) in counts.items())
