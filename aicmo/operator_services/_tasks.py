"""The operator-task queue: steps left to a person (LinkedIn steps, contact forms to send by hand), listed and closed
whatever their kind, and what the operator saw on LinkedIn.

The LinkedIn and contact-form functions are the same queue asked for one kind, answering in that kind's shape.
"""

from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach import task_queue as tasks
from aicmo.cam.outreach.linkedin import service as linkedin
from aicmo.cam.outreach.tasks.models import TaskKind, TaskStatus
from aicmo.cam.outreach.tasks.schemas import ContactFormTaskRead, LinkedInTaskRead, TaskRead
from aicmo.settings import get_settings

Shape = TypeVar("Shape", LinkedInTaskRead, ContactFormTaskRead)


def _as(shape: type[Shape], task: TaskRead) -> Shape:
    assert isinstance(task, shape)  # the queue was asked for tasks of this shape's kind only
    return task


def list_tasks(db: Session, *, kind: TaskKind | None = None, status: TaskStatus | None = None, limit: int = 50,
               offset: int = 0) -> list[TaskRead]:
    """Tasks oldest first, every kind unless `kind` says, with where to go and what to send; all statuses if None."""
    return tasks.list_tasks(db, kind=kind, status=status, limit=limit, offset=offset)


def get_task(db: Session, task_id: int, kind: TaskKind | None = None) -> TaskRead:
    return tasks.get_task(db, task_id, kind)


def complete_task(db: Session, task_id: int, done: bool, detail: str | None = None, *, kind: TaskKind | None = None,
                  external_id: str | None = None) -> TaskRead:
    """Mark an open task done or failed, recorded as an attempt of its channel; a failed LinkedIn step sends its
    message on to the next channel."""
    task = tasks.complete_task(db, task_id, done, detail, kind=kind, external_id=external_id)
    db.commit()
    return task


def fail_task(db: Session, task_id: int, detail: str | None = None, *, kind: TaskKind | None = None) -> TaskRead:
    return complete_task(db, task_id, False, detail, kind=kind)


def list_linkedin_tasks(db: Session, *, status: TaskStatus | None = None, limit: int = 50,
                        offset: int = 0) -> list[LinkedInTaskRead]:
    """LinkedIn tasks oldest first, with the profile to open and the note to copy; all statuses if None."""
    return [_as(LinkedInTaskRead, task) for task in list_tasks(db, kind=TaskKind.LINKEDIN, status=status,
                                                               limit=limit, offset=offset)]


def get_linkedin_task(db: Session, task_id: int) -> LinkedInTaskRead:
    return _as(LinkedInTaskRead, get_task(db, task_id, TaskKind.LINKEDIN))


def complete_linkedin_task(db: Session, task_id: int, done: bool, detail: str | None = None, *,
                           external_id: str | None = None) -> LinkedInTaskRead:
    """Mark an open LinkedIn task done or failed (a failed one falls back to the next channel)."""
    return _as(LinkedInTaskRead, complete_task(db, task_id, done, detail, kind=TaskKind.LINKEDIN,
                                               external_id=external_id))


def fail_linkedin_task(db: Session, task_id: int, detail: str | None = None) -> LinkedInTaskRead:
    """Mark an open LinkedIn task failed: the message falls back to its next channel."""
    return complete_linkedin_task(db, task_id, False, detail)


def handle_linkedin_callback(db: Session, raw_body: bytes, signature_header: str | None,
                             now: datetime | None = None, *, secret: str | None = None) -> LinkedInTaskRead:
    """Complete a webhook task from the automation's signed callback; a bad signature or replay is refused."""
    key = secret if secret is not None else get_settings().linkedin_webhook_secret or ""
    task = linkedin.handle_linkedin_callback(db, raw_body, signature_header, now, secret=key)
    db.commit()
    return _as(LinkedInTaskRead, task)


def set_linkedin_status(db: Session, lead_id: int, status: LinkedInStatus) -> LeadRead:
    """Record what the operator saw on LinkedIn, e.g. that a lead accepted the connection request."""
    lead = linkedin.set_linkedin_status(db, lead_id, status)
    db.commit()
    return lead


def list_form_tasks(db: Session, *, status: TaskStatus | None = None, limit: int = 50,
                    offset: int = 0) -> list[ContactFormTaskRead]:
    """Contact forms to fill in by hand, oldest first, with the page and the text to paste; all statuses if None."""
    return [_as(ContactFormTaskRead, task) for task in list_tasks(db, kind=TaskKind.FORM, status=status,
                                                                  limit=limit, offset=offset)]


def get_form_task(db: Session, task_id: int) -> ContactFormTaskRead:
    return _as(ContactFormTaskRead, get_task(db, task_id, TaskKind.FORM))


def complete_form_task(db: Session, task_id: int, done: bool, detail: str | None = None) -> ContactFormTaskRead:
    """Mark a contact form sent by hand (done) or failed, recorded as a contact-form attempt of the lead."""
    return _as(ContactFormTaskRead, complete_task(db, task_id, done, detail, kind=TaskKind.FORM))


def fail_form_task(db: Session, task_id: int, detail: str | None = None) -> ContactFormTaskRead:
    """Mark an open contact-form task failed: the form could not be sent by hand either."""
    return complete_form_task(db, task_id, False, detail)
