"""The operator-task queue: tasks of every kind listed oldest first (the kind a filter), read, and marked done or
failed, each completion recorded as an attempt of the task's channel. Never commits."""

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.attempts import record_attempt
from aicmo.cam.outreach.domain import MessageStatus
from aicmo.cam.outreach.models import OutreachAttemptDB, OutreachMessageDB
from aicmo.cam.outreach.tasks import store
from aicmo.cam.outreach.tasks.models import OperatorTaskDB, TaskKind, TaskStatus
from aicmo.cam.outreach.tasks.schemas import ContactFormTaskRead, LinkedInTaskRead, TaskRead
from aicmo.db.base import utcnow


def _reads() -> Select[OperatorTaskDB, str | None, str | None, str | None, str | None, MessageStatus | None]:
    return (select(OperatorTaskDB, LeadDB.first_name, LeadDB.last_name, LeadDB.company_name,
                   LeadDB.sales_navigator_url, OutreachMessageDB.status)
            .join(LeadDB, LeadDB.id == OperatorTaskDB.lead_id)
            .outerjoin(OutreachMessageDB, OutreachMessageDB.id == OperatorTaskDB.message_id))


def _read(row: Any) -> TaskRead:
    task: OperatorTaskDB = row[0]
    seen: dict[str, Any] = {"id": task.id, "status": task.status, "lead_id": task.lead_id, "company": row.company_name,
            "lead_name": " ".join(part for part in (row.first_name, row.last_name) if part),
            "campaign_id": task.campaign_id, "detail": task.detail, "created_at": task.created_at,
            "completed_at": task.completed_at}
    if task.kind is TaskKind.LINKEDIN:
        assert task.action is not None and task.provider is not None  # every LinkedIn step has both
        return LinkedInTaskRead(kind=task.action, provider=task.provider, profile_url=task.url, note=task.body,
                                sales_navigator_url=row.sales_navigator_url, message_id=task.message_id,
                                external_id=task.external_id, **seen)
    assert task.message_id is not None  # a form is only ever left to a person for a message
    return ContactFormTaskRead(message_id=task.message_id, form_url=task.url, reason=task.reason or "",
                               subject=task.subject, body=task.body, message_status=row.status, **seen)


def list_tasks(db: Session, *, kind: TaskKind | None = None, status: TaskStatus | None = None, limit: int = 50,
               offset: int = 0) -> list[TaskRead]:
    """Tasks oldest first (a work queue), with where to go and what to send; every kind and status if None."""
    query = _reads().order_by(OperatorTaskDB.created_at, OperatorTaskDB.id).limit(limit).offset(offset)
    if kind is not None:
        query = query.where(OperatorTaskDB.kind == kind)
    if status is not None:
        query = query.where(OperatorTaskDB.status == status)
    return [_read(row) for row in db.execute(query)]


def get_task(db: Session, task_id: int, kind: TaskKind | None = None) -> TaskRead:
    """The task, whatever its status; TaskNotFound (FormTaskNotFound asked for a form) if there is none of the kind."""
    query = _reads().where(OperatorTaskDB.id == task_id)
    if kind is not None:
        query = query.where(OperatorTaskDB.kind == kind)
    row = db.execute(query).first()
    if row is None:
        raise store.not_found(task_id, kind)
    return _read(row)


def finish(db: Session, task: OperatorTaskDB, done: bool, detail: str | None = None,
           external_id: str | None = None) -> None:
    """Close the locked open task and record it as an attempt of its channel."""
    now = _not_before_hand_over(db, task, utcnow())
    if not done:
        detail = detail or ("could not be sent by hand" if task.kind is TaskKind.FORM
                            else f"{store.step_name(task)} marked failed")
    store.close(db, task, done=done, detail=detail, external_id=external_id, now=now)
    record_attempt(db, store.message_of(task), store.result_of(task), now=now)
    if task.kind is TaskKind.LINKEDIN:
        # The message waited on this step as handed over: now it is delivered, or falls back to its next channel.
        # A form's message went on to its next channel when the form was left to a person.
        messages.settle_handover(db, task.message_id, done=done, detail=detail, now=now)


def _not_before_hand_over(db: Session, task: OperatorTaskDB, now: datetime) -> datetime:
    """Now, or the moment the task's message was handed over if that is later: the history keeps its order when
    the sends ran on a clock ahead of this one (the demo's simulated days)."""
    handed_over = db.scalar(select(func.max(OutreachAttemptDB.started_at)).where(
        OutreachAttemptDB.message_id == task.message_id)) if task.message_id else None
    return max(now, handed_over, task.created_at) if handed_over is not None else max(now, task.created_at)


def complete_task(db: Session, task_id: int, done: bool, detail: str | None = None, *, kind: TaskKind | None = None,
                  external_id: str | None = None) -> TaskRead:
    """Mark an open task (of this kind, if given) done or failed; TaskNotFound or TaskAlreadyClosed otherwise."""
    task = store.lock_open(db, task_id, kind)
    finish(db, task, done, detail, external_id)
    db.flush()
    return get_task(db, task_id)


def fail_task(db: Session, task_id: int, detail: str | None = None, *, kind: TaskKind | None = None) -> TaskRead:
    """Mark an open task failed: a LinkedIn step's message tries its next channel."""
    return complete_task(db, task_id, False, detail, kind=kind)
