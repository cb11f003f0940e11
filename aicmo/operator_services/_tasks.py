"""Tasks left to a person: LinkedIn steps and contact forms to fill in by hand, and what the operator saw."""

from datetime import datetime

from sqlalchemy.orm import Session

from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.forms.tasks import service as form_tasks
from aicmo.cam.outreach.forms.tasks.models import ContactFormTaskStatus
from aicmo.cam.outreach.forms.tasks.schemas import ContactFormTaskRead
from aicmo.cam.outreach.linkedin import service as linkedin
from aicmo.cam.outreach.linkedin.schemas import LinkedInTaskRead


def complete_linkedin_task(db: Session, task_id: int, done: bool, detail: str | None = None, *,
                           external_id: str | None = None) -> LinkedInTaskRead:
    """Mark an open LinkedIn task done or failed (a failed one falls back to the next channel)."""
    task = linkedin.complete_linkedin_task(db, task_id, done, detail, external_id=external_id)
    db.commit()
    return task


def fail_linkedin_task(db: Session, task_id: int, detail: str | None = None) -> LinkedInTaskRead:
    """Mark an open LinkedIn task failed: the message falls back to its next channel."""
    return complete_linkedin_task(db, task_id, False, detail)


def handle_linkedin_callback(db: Session, raw_body: bytes, signature_header: str | None,
                             now: datetime | None = None, *, secret: str | None = None) -> LinkedInTaskRead:
    """Complete a webhook task from the automation's signed callback; a bad signature or replay is refused."""
    task = linkedin.handle_linkedin_callback(db, raw_body, signature_header, now, secret=secret)
    db.commit()
    return task


def set_linkedin_status(db: Session, lead_id: int, status: LinkedInStatus) -> LeadRead:
    """Record what the operator saw on LinkedIn, e.g. that a lead accepted the connection request."""
    lead = linkedin.set_linkedin_status(db, lead_id, status)
    db.commit()
    return lead


def list_form_tasks(db: Session, *, status: ContactFormTaskStatus | None = None, limit: int = 50,
                    offset: int = 0) -> list[ContactFormTaskRead]:
    """Contact forms to fill in by hand, oldest first, with the page and the text to paste; all statuses if None."""
    return form_tasks.list_form_tasks(db, status=status, limit=limit, offset=offset)


def get_form_task(db: Session, task_id: int) -> ContactFormTaskRead:
    return form_tasks.get_form_task(db, task_id)


def complete_form_task(db: Session, task_id: int, done: bool, detail: str | None = None) -> ContactFormTaskRead:
    """Mark a contact form sent by hand (done) or failed, recorded as a contact-form attempt of the lead."""
    task = form_tasks.complete_form_task(db, task_id, done, detail)
    db.commit()
    return task


def fail_form_task(db: Session, task_id: int, detail: str | None = None) -> ContactFormTaskRead:
    """Mark an open contact-form task failed: the form could not be sent by hand either."""
    return complete_form_task(db, task_id, False, detail)
