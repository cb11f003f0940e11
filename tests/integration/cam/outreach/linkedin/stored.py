"""What the channel committed, read through the test's session."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach.models import OutreachAttemptDB
from aicmo.cam.outreach.tasks.schemas import LinkedInTaskRead


def tasks(db: Session) -> list[LinkedInTaskRead]:
    """Every LinkedIn task, oldest first, as the operator sees it."""
    db.rollback()  # end the test's own snapshot so what the channel committed is visible
    return ops.list_linkedin_tasks(db, limit=500)


def attempts(db: Session) -> list[OutreachAttemptDB]:
    db.rollback()
    return list(db.scalars(select(OutreachAttemptDB).order_by(OutreachAttemptDB.id)))


def linkedin_status(db: Session, lead_id: int) -> LinkedInStatus:
    db.rollback()
    lead = db.get(LeadDB, lead_id)
    assert lead is not None
    return lead.linkedin_status
