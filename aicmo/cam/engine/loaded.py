"""A batch's messages and their leads, loaded once (locked, in id order) for the transaction that works on them."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach.attempts import insert_attempts
from aicmo.cam.outreach.domain import MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.suppression import checks as suppression

# Built once: each transaction loads its batch's messages (locked, in id order) and their leads in two statements.
_MESSAGES_FOR_UPDATE = (select(OutreachMessageDB).where(OutreachMessageDB.id.in_(bindparam("ids", expanding=True)))
                        .order_by(OutreachMessageDB.id).with_for_update())
_LEADS = select(LeadDB).where(LeadDB.id.in_(bindparam("ids", expanding=True)))
# Marking a message SENDING is one prebuilt UPDATE rather than a unit-of-work flush: it happens before every send.
# It holds only while the message is still this worker's and still QUEUED (on SQLite the reads before it are not
# under the write lock, so a cancellation may have come in between).
MARK_SENDING = update(OutreachMessageDB).where(
    OutreachMessageDB.id == bindparam("message_id"), OutreachMessageDB.status == MessageStatus.QUEUED,
    OutreachMessageDB.lease_owner == bindparam("owner"),
).values(status=MessageStatus.SENDING, sending_at=bindparam("at"), updated_at=bindparam("at"),
         channel=bindparam("to_channel"), mailbox=bindparam("to_mailbox"), reservation=bindparam("held"),
         attempts=OutreachMessageDB.attempts + 1, lease_expires_at=bindparam("lease_until"))


class BatchConflict(Exception):
    """A message of the batch changed while the batch was decided: the batch is taken again one by one."""


@dataclass
class Loaded:
    """A batch's messages and their leads, loaded once for the transaction that works on them.

    For a batch of several messages, the SENDING marks and the attempts that revealed nothing are written
    together at the end of the transaction (`write_deferred`): one statement each instead of one per message.
    """

    messages: dict[str, OutreachMessageDB]
    leads: dict[int, LeadDB]
    batched: bool = False
    marks: list[dict[str, object]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    _suppressed: dict[int, str | None] | None = None

    def write_deferred(self, db: Session) -> None:
        """Write the batch's SENDING marks and attempts; BatchConflict if a mark no longer holds."""
        if self.marks:
            marked = db.connection().execute(MARK_SENDING, self.marks)
            if marked.rowcount != len(self.marks):
                raise BatchConflict(f"{len(self.marks) - marked.rowcount} of {len(self.marks)} messages changed "
                                    "while their sends were decided")
        insert_attempts(db, self.attempts)

    def suppression_reason(self, db: Session, lead: LeadDB) -> str | None:
        """Why the lead may not be contacted, looked up for every lead of the batch in one query when first asked."""
        if self._suppressed is None:
            self._suppressed = suppression.reasons_for(db, self.leads)
        return self._suppressed[lead.id]

    @classmethod
    def of(cls, db: Session, message_ids: Sequence[str]) -> "Loaded":
        messages = {m.id: m for m in db.scalars(_MESSAGES_FOR_UPDATE, {"ids": list(message_ids)})}
        lead_ids = sorted({m.lead_id for m in messages.values()})
        return cls(messages, {lead.id: lead for lead in db.scalars(_LEADS, {"ids": lead_ids})},
                   batched=len(message_ids) > 1)
