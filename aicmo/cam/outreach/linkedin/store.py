"""LinkedIn tasks in the caller's transaction: open one per message, lock, close, read back as a SendResult."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach.domain import Channel, ErrorKind, SendResult, SendStatus
from aicmo.cam.outreach.linkedin.domain import LinkedInStep, status_after
from aicmo.cam.outreach.models import LinkedInTaskDB, LinkedInTaskKind, LinkedInTaskStatus
from aicmo.cam.webhooks.events import WebhookEvent, emit, lead_data
from aicmo.db.base import utcnow
from aicmo.errors import TaskAlreadyClosed, TaskNotFound

PREFIX = "task:"


def provider_message_id(task_id: int) -> str:
    return f"{PREFIX}{task_id}"


def task_id_of(provider_message_id: str) -> int | None:
    """The task id in "task:<id>", or None for anything else."""
    prefix, _, number = provider_message_id.partition(":")
    return int(number) if prefix + ":" == PREFIX and number.isdigit() else None


def find_by_message(db: Session, message_id: str) -> LinkedInTaskDB | None:
    return db.scalar(select(LinkedInTaskDB).where(LinkedInTaskDB.message_id == message_id))


def lead_name(lead: LeadDB) -> str:
    return " ".join(part for part in (lead.first_name, lead.last_name) if part)


def step_for(task: LinkedInTaskDB, lead: LeadDB) -> LinkedInStep:
    return LinkedInStep(task_id=task.id, kind=task.kind, profile_url=task.profile_url, note=task.note,
                        lead_id=lead.id, lead_name=lead_name(lead), lead_company=lead.company_name,
                        message_id=task.message_id or "", campaign_id=task.campaign_id)


def add_task(db: Session, lead: LeadDB, *, kind: LinkedInTaskKind, provider: str, note: str, message_id: str,
             campaign_id: int | None, profile_url: str | None = None) -> LinkedInTaskDB:
    """Store a new open task (to `profile_url`, else the lead's); the unique message id makes a concurrent duplicate
    fail at flush."""
    task = LinkedInTaskDB(lead_id=lead.id, campaign_id=campaign_id, message_id=message_id, kind=kind,
                          provider=provider, profile_url=profile_url or lead.linkedin_url or "", note=note,
                          status=LinkedInTaskStatus.OPEN)
    db.add(task)
    db.flush()
    emit(db, WebhookEvent.TASK_CREATED, {"task": task_data(task), "lead": lead_data(lead),
                                         "campaign_id": campaign_id}, task.created_at)
    return task


def task_data(task: LinkedInTaskDB) -> dict[str, object]:
    """What an automation or a CRM needs to carry the step out: the profile, the note, the ids."""
    return {"id": task.id, "kind": task.kind.value, "provider": task.provider, "profile_url": task.profile_url,
            "note": task.note, "status": task.status.value, "message_id": task.message_id,
            "campaign_id": task.campaign_id}


def lock_task(db: Session, task_id: int) -> LinkedInTaskDB:
    """The task, locked against a concurrent completion (PostgreSQL; SQLite serialises writers anyway)."""
    task = db.scalar(select(LinkedInTaskDB).where(LinkedInTaskDB.id == task_id).with_for_update())
    if task is None:
        raise TaskNotFound(task_id)
    return task


def ensure_open(task: LinkedInTaskDB) -> None:
    if task.status is not LinkedInTaskStatus.OPEN:
        raise TaskAlreadyClosed(task.id, task.status.value)


def lock_open_task(db: Session, task_id: int) -> LinkedInTaskDB:
    task = lock_task(db, task_id)
    ensure_open(task)
    return task


def close_task(db: Session, task: LinkedInTaskDB, *, done: bool, detail: str | None = None,
               external_id: str | None = None) -> None:
    """Mark the task done or failed and, when done, move the lead's LinkedIn status on. Never commits."""
    task.status = LinkedInTaskStatus.DONE if done else LinkedInTaskStatus.FAILED
    task.completed_at = utcnow()
    task.detail = detail
    task.external_id = external_id or task.external_id
    if done:
        lead = db.get(LeadDB, task.lead_id)
        if lead is not None:
            lead.linkedin_status = status_after(task.kind, lead.linkedin_status)


def handed_over(task: LinkedInTaskDB) -> bool:
    """Whether an automation has taken this open step on (it answered with an id, possibly empty)."""
    return task.external_id is not None


def result_for(task: LinkedInTaskDB) -> SendResult:
    """The task's state as a send result: open is PENDING, done is SENT, failed is CHANNEL_FAILED."""
    reference, target = provider_message_id(task.id), task.profile_url
    if task.status is LinkedInTaskStatus.DONE:
        return SendResult(status=SendStatus.SENT, channel=Channel.LINKEDIN, detail=task.detail or "",
                          provider_message_id=reference, target=target)
    if task.status is LinkedInTaskStatus.FAILED:
        return SendResult(status=SendStatus.FAILED, channel=Channel.LINKEDIN, error_kind=ErrorKind.CHANNEL_FAILED,
                          detail=task.detail or f"{task.kind.value.replace('_', ' ')} failed",
                          provider_message_id=reference, target=target)
    waiting = "the operator" if task.provider == "tasks" else f"the {task.provider} provider"
    return SendResult(status=SendStatus.PENDING, channel=Channel.LINKEDIN,
                      detail=task.detail or f"waiting for {waiting}", provider_message_id=reference, target=target)


def connection_requests_since(db: Session, since: datetime) -> int:
    """Connection requests made or waiting to be made since then (failed ones never reached LinkedIn)."""
    return db.scalar(select(func.count()).select_from(LinkedInTaskDB).where(
        LinkedInTaskDB.kind == LinkedInTaskKind.CONNECTION_REQUEST, LinkedInTaskDB.created_at >= since,
        LinkedInTaskDB.status != LinkedInTaskStatus.FAILED)) or 0
