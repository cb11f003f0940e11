"""Operator tasks of every kind in the caller's transaction: opened once per message, locked, closed, cancelled,
and read back as the send result they stand for. Never commits."""

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session

from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.values import domain_of
from aicmo.cam.outreach.domain import ErrorKind, OutreachMessage, SendResult, SendStatus
from aicmo.cam.outreach.tasks.models import CHANNELS, LABELS, LinkedInTaskKind, OperatorTaskDB, TaskKind, TaskStatus
from aicmo.cam.outreach.tasks.rules import status_after
from aicmo.cam.webhooks.events import WebhookEvent, emit, lead_data
from aicmo.db.base import utcnow
from aicmo.errors import FormTaskAlreadyClosed, FormTaskNotFound, TaskAlreadyClosed, TaskNotFound

# The provider message id of the attempts a task records, "task:7" or "form-task:9": the channel's status check and
# the history find the task from it.
PREFIXES = {TaskKind.LINKEDIN: "task:", TaskKind.FORM: "form-task:"}


def provider_message_id(task: OperatorTaskDB) -> str:
    return f"{PREFIXES[task.kind]}{task.id}"


def task_id_of(provider_message_id: str, kind: TaskKind) -> int | None:
    """The task id in e.g. "task:<id>" for a LinkedIn task, or None for anything else."""
    prefix, _, number = provider_message_id.partition(":")
    return int(number) if prefix + ":" == PREFIXES[kind] and number.isdigit() else None


def step_name(task: OperatorTaskDB) -> str:
    """"connection request" or "message" for a LinkedIn step, "contact form" for a form."""
    return task.action.value.replace("_", " ") if task.action else "contact form"


def task_data(task: OperatorTaskDB) -> dict[str, object]:
    """What a CRM or an automation needs to carry the task out: where to go, what to send, the ids."""
    common = {"id": task.id, "status": task.status.value, "message_id": task.message_id,
              "campaign_id": task.campaign_id}
    if task.kind is TaskKind.LINKEDIN:
        assert task.action is not None  # every LinkedIn task is a connection request or a message
        return {**common, "kind": task.action.value, "provider": task.provider, "profile_url": task.url,
                "note": task.body}
    return {**common, "kind": "contact_form", "form_url": task.url, "reason": task.reason, "subject": task.subject,
            "body": task.body}


def add(db: Session, lead: LeadDB, kind: TaskKind, *, message_id: str, campaign_id: int | None, url: str, body: str,
        action: LinkedInTaskKind | None = None, provider: str | None = None, reason: str | None = None,
        subject: str | None = None, now: datetime | None = None) -> OperatorTaskDB:
    """Store a new open task and announce it (task.created); a second task of the kind for the message fails at
    flush, on the unique (kind, message id)."""
    task = OperatorTaskDB(kind=kind, lead_id=lead.id, campaign_id=campaign_id, message_id=message_id, action=action,
                          provider=provider, url=url, reason=reason, subject=subject, body=body,
                          status=TaskStatus.OPEN, created_at=now or utcnow())
    db.add(task)
    db.flush()
    emit(db, WebhookEvent.TASK_CREATED, {"task": task_data(task), "lead": lead_data(lead),
                                         "campaign_id": campaign_id}, task.created_at)
    return task


def find_by_message(db: Session, kind: TaskKind, message_id: str) -> OperatorTaskDB | None:
    return db.scalar(select(OperatorTaskDB).where(OperatorTaskDB.kind == kind, OperatorTaskDB.message_id == message_id))


def not_found(task_id: int, kind: TaskKind | None) -> TaskNotFound:
    if kind is TaskKind.FORM:
        return FormTaskNotFound(task_id)
    return TaskNotFound(task_id, LABELS[kind] if kind else "task")


def lock(db: Session, task_id: int, kind: TaskKind | None = None) -> OperatorTaskDB:
    """The task (of this kind, if given), locked against a concurrent completion (PostgreSQL; SQLite serialises
    writers anyway)."""
    task = db.scalar(select(OperatorTaskDB).where(OperatorTaskDB.id == task_id).with_for_update())
    if task is None or (kind is not None and task.kind is not kind):
        raise not_found(task_id, kind)
    return task


def ensure_open(task: OperatorTaskDB) -> None:
    if task.status is TaskStatus.OPEN:
        return
    if task.kind is TaskKind.FORM:
        raise FormTaskAlreadyClosed(task.id, task.status.value)
    raise TaskAlreadyClosed(task.id, task.status.value, LABELS[task.kind])


def lock_open(db: Session, task_id: int, kind: TaskKind | None = None) -> OperatorTaskDB:
    task = lock(db, task_id, kind)
    ensure_open(task)
    return task


def close(db: Session, task: OperatorTaskDB, *, done: bool, detail: str | None, external_id: str | None = None,
          now: datetime | None = None) -> None:
    """Mark the task done or failed; a done one moves its lead on."""
    task.status = TaskStatus.DONE if done else TaskStatus.FAILED
    task.completed_at = now or utcnow()
    task.detail = detail
    task.external_id = external_id or task.external_id
    lead = db.get(LeadDB, task.lead_id) if done else None
    if lead is None:
        return
    if task.kind is TaskKind.FORM:
        if lead.status is LeadStatus.NEW:
            lead.status = LeadStatus.CONTACTED  # a form sent by hand reached the lead as any send does
    elif task.action is not None:
        lead.linkedin_status = status_after(task.action, lead.linkedin_status)


def cancel_open(db: Session, which: ColumnElement[bool], reason: str, now: datetime) -> None:
    """Open tasks nobody has done yet must not be done any more (the lead replied, unsubscribed, was stopped)."""
    db.execute(update(OperatorTaskDB).where(and_(which, OperatorTaskDB.status == TaskStatus.OPEN))
               .values(status=TaskStatus.CANCELLED, detail=reason, completed_at=now)
               .execution_options(synchronize_session=False))


def message_of(task: OperatorTaskDB) -> OutreachMessage:
    """The message the task carries, as its channel's attempt records it."""
    return OutreachMessage(lead_id=task.lead_id, body=task.body, subject=task.subject, channel=CHANNELS[task.kind],
                           campaign_id=task.campaign_id, id=task.message_id or str(uuid.uuid4()))


def result_of(task: OperatorTaskDB) -> SendResult:
    """The task's state as its channel's send result: open is PENDING, done is SENT, failed is CHANNEL_FAILED."""
    error_kind = None
    if task.status is TaskStatus.DONE:
        status = SendStatus.SENT
        by_hand = f"sent by hand{f': {task.detail}' if task.detail else ''}"
        detail = by_hand if task.kind is TaskKind.FORM else task.detail or ""
    elif task.status is TaskStatus.FAILED:
        status, error_kind = SendStatus.FAILED, ErrorKind.CHANNEL_FAILED
        detail = task.detail or f"{step_name(task)} failed"
    else:
        status = SendStatus.PENDING
        waiting = "the operator" if task.provider in (None, "tasks") else f"the {task.provider} provider"
        detail = task.detail or f"waiting for {waiting}"
    # A form's host counts against the per-domain cap of contact forms; a LinkedIn profile's does not.
    domain = (domain_of(task.url) or None) if task.kind is TaskKind.FORM else None
    return SendResult(status=status, channel=CHANNELS[task.kind], detail=detail, error_kind=error_kind,
                      provider_message_id=provider_message_id(task), target=task.url, target_domain=domain)
