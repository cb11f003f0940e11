"""Operator functions for contact forms left to a person: list them, mark each sent by hand or failed."""

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach.attempts import record_attempt
from aicmo.cam.outreach.domain import Channel, ErrorKind, MessageStatus, OutreachMessage, SendResult, SendStatus
from aicmo.cam.outreach.forms.find import domain_of
from aicmo.cam.outreach.forms.tasks import store
from aicmo.cam.outreach.forms.tasks.errors import FormTaskNotFound
from aicmo.cam.outreach.forms.tasks.models import ContactFormTaskDB, ContactFormTaskStatus
from aicmo.cam.outreach.forms.tasks.schemas import ContactFormTaskRead
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.db.base import utcnow


def _reads() -> Select[ContactFormTaskDB, str | None, str | None, str | None, MessageStatus]:
    return (select(ContactFormTaskDB, LeadDB.first_name, LeadDB.last_name, LeadDB.company_name,
                   OutreachMessageDB.status)
            .join(LeadDB, LeadDB.id == ContactFormTaskDB.lead_id)
            .outerjoin(OutreachMessageDB, OutreachMessageDB.id == ContactFormTaskDB.message_id))


def _read(row: Any) -> ContactFormTaskRead:
    task: ContactFormTaskDB = row[0]
    return ContactFormTaskRead(
        id=task.id, status=task.status, lead_id=task.lead_id,
        lead_name=" ".join(part for part in (row.first_name, row.last_name) if part), company=row.company_name,
        campaign_id=task.campaign_id, message_id=task.message_id, form_url=task.form_url, reason=task.reason,
        subject=task.subject, body=task.body, message_status=row.status, detail=task.detail,
        created_at=task.created_at, completed_at=task.completed_at)


def list_form_tasks(db: Session, *, status: ContactFormTaskStatus | None = None, limit: int = 50,
                    offset: int = 0) -> list[ContactFormTaskRead]:
    """Tasks oldest first (a work queue), with the form to open and the text to paste; all statuses if None."""
    query = _reads().order_by(ContactFormTaskDB.created_at, ContactFormTaskDB.id).limit(limit).offset(offset)
    if status is not None:
        query = query.where(ContactFormTaskDB.status == status)
    return [_read(row) for row in db.execute(query)]


def get_form_task(db: Session, task_id: int) -> ContactFormTaskRead:
    row = db.execute(_reads().where(ContactFormTaskDB.id == task_id)).first()
    if row is None:
        raise FormTaskNotFound(task_id)
    return _read(row)


def _outcome(task: ContactFormTaskDB) -> SendResult:
    """The attempt the operator made: sent by hand, or failed."""
    done = task.status is ContactFormTaskStatus.DONE
    said = f"sent by hand{f': {task.detail}' if task.detail else ''}" if done else task.detail or ""
    return SendResult(status=SendStatus.SENT if done else SendStatus.FAILED, channel=Channel.CONTACT_FORM,
                      detail=said, error_kind=None if done else ErrorKind.CHANNEL_FAILED, target=task.form_url,
                      target_domain=domain_of(task.form_url) or None,
                      provider_message_id=store.provider_message_id(task.id))


def complete_form_task(db: Session, task_id: int, done: bool, detail: str | None = None) -> ContactFormTaskRead:
    """Mark an open task sent by hand (done) or failed, recording it as a contact-form attempt of the lead.

    FormTaskNotFound or FormTaskAlreadyClosed otherwise. The message is left where the sequence took it. Never
    commits.
    """
    task = store.lock_open(db, task_id)
    now = utcnow()
    store.close(task, done=done, detail=detail if done else detail or "could not be sent by hand", now=now)
    message = OutreachMessage(lead_id=task.lead_id, body=task.body, subject=task.subject,
                              channel=Channel.CONTACT_FORM, campaign_id=task.campaign_id, id=task.message_id)
    record_attempt(db, message, _outcome(task), now=now)  # a sent one moves the lead's last outreach on
    lead = db.get(LeadDB, task.lead_id)
    if done and lead is not None and lead.status is LeadStatus.NEW:
        lead.status = LeadStatus.CONTACTED
    db.flush()
    return get_form_task(db, task_id)


def fail_form_task(db: Session, task_id: int, detail: str | None = None) -> ContactFormTaskRead:
    """Mark an open task failed: the form could not be sent by hand either."""
    return complete_form_task(db, task_id, False, detail)
