"""Contact-form tasks in the caller's transaction: offered once per message, locked, closed, cancelled."""

from datetime import datetime

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session

from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach.domain import Channel, OutreachMessage, SendResult, SendStatus
from aicmo.cam.outreach.forms.tasks.errors import FormTaskAlreadyClosed, FormTaskNotFound
from aicmo.cam.outreach.forms.tasks.models import ContactFormTaskDB, ContactFormTaskStatus
from aicmo.cam.webhooks.events import WebhookEvent, emit, lead_data

# Starts the detail of a contact-form result that a person should send by hand: recording it offers a task.
MANUAL_TASK = "[manual task]"
_OFFERED = ": not submitted; offered to the operator as a manual task"
PREFIX = "form-task:"


def manual_detail(reason: str) -> str:
    """The detail of a form the channel left for a person, e.g. because of a CAPTCHA."""
    return f"{MANUAL_TASK} {reason}{_OFFERED}"


def manual_reason(result: SendResult) -> str | None:
    """Why a person should send this form by hand, or None for any other result."""
    if (result.channel is not Channel.CONTACT_FORM or result.status is not SendStatus.FAILED
            or not result.detail.startswith(MANUAL_TASK)):
        return None
    return result.detail.removeprefix(MANUAL_TASK).removesuffix(_OFFERED).strip()


def provider_message_id(task_id: int) -> str:
    return f"{PREFIX}{task_id}"


def task_data(task: ContactFormTaskDB) -> dict[str, object]:
    """What a CRM or an automation needs to send the form: where it is, why by hand, the text, the ids."""
    return {"id": task.id, "kind": "contact_form", "form_url": task.form_url, "reason": task.reason,
            "subject": task.subject, "body": task.body, "status": task.status.value, "message_id": task.message_id,
            "campaign_id": task.campaign_id}


def offer(db: Session, message: OutreachMessage, result: SendResult, now: datetime) -> ContactFormTaskDB | None:
    """Open a task when the result leaves the form to a person; the message's existing task if it has one."""
    reason = manual_reason(result)
    if reason is None:
        return None
    task = db.scalar(select(ContactFormTaskDB).where(ContactFormTaskDB.message_id == message.id))
    lead = db.get(LeadDB, message.lead_id)
    if task is not None or lead is None:
        return task
    task = ContactFormTaskDB(
        lead_id=lead.id, campaign_id=message.campaign_id, message_id=message.id,
        form_url=result.target or lead.contact_form_url or lead.website or "", reason=reason,
        subject=message.subject, body=message.body, status=ContactFormTaskStatus.OPEN, created_at=now)
    db.add(task)
    db.flush()  # the unique message id refuses a concurrent second task here, and the event needs the id
    emit(db, WebhookEvent.TASK_CREATED, {"task": task_data(task), "lead": lead_data(lead),
                                         "campaign_id": task.campaign_id}, now)
    return task


def lock_open(db: Session, task_id: int) -> ContactFormTaskDB:
    """The open task, locked against a concurrent completion; FormTaskNotFound or FormTaskAlreadyClosed."""
    task = db.scalar(select(ContactFormTaskDB).where(ContactFormTaskDB.id == task_id).with_for_update())
    if task is None:
        raise FormTaskNotFound(task_id)
    if task.status is not ContactFormTaskStatus.OPEN:
        raise FormTaskAlreadyClosed(task.id, task.status.value)
    return task


def close(task: ContactFormTaskDB, *, done: bool, detail: str | None, now: datetime) -> None:
    task.status = ContactFormTaskStatus.DONE if done else ContactFormTaskStatus.FAILED
    task.detail = detail
    task.completed_at = now


def cancel_open(db: Session, which: ColumnElement[bool], reason: str, now: datetime) -> None:
    """A form nobody has sent yet must not be sent any more (the lead replied, unsubscribed, was stopped)."""
    db.execute(update(ContactFormTaskDB).where(and_(which, ContactFormTaskDB.status == ContactFormTaskStatus.OPEN))
               .values(status=ContactFormTaskStatus.CANCELLED, detail=reason, completed_at=now)
               .execution_options(synchronize_session=False))
