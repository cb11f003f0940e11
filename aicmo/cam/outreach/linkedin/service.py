"""Operator functions for LinkedIn tasks: list them, complete them by hand or by signed callback."""

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from aicmo.cam.leads import service as leads
from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.attempts import record_attempt
from aicmo.cam.outreach.domain import Channel, OutreachMessage
from aicmo.cam.outreach.linkedin import store
from aicmo.cam.outreach.linkedin.schemas import LinkedInTaskRead
from aicmo.cam.outreach.linkedin.webhook import WebhookProvider
from aicmo.cam.outreach.models import LinkedInTaskDB, LinkedInTaskStatus
from aicmo.db.base import utcnow
from aicmo.errors import InvalidCallback, TaskNotFound
from aicmo.net.signing import TOLERANCE_SECONDS, verify
from aicmo.settings import get_settings

CALLBACK_OUTCOMES = {"sent": True, "failed": False}


def _reads() -> Select[LinkedInTaskDB, str | None, str | None, str | None]:
    return select(LinkedInTaskDB, LeadDB.first_name, LeadDB.last_name, LeadDB.company_name).join(
        LeadDB, LeadDB.id == LinkedInTaskDB.lead_id)


def _read(row: Any) -> LinkedInTaskRead:
    task: LinkedInTaskDB = row[0]
    name = " ".join(part for part in (row.first_name, row.last_name) if part)
    return LinkedInTaskRead(
        id=task.id, kind=task.kind, status=task.status, provider=task.provider, lead_id=task.lead_id,
        lead_name=name, company=row.company_name, profile_url=task.profile_url, note=task.note,
        message_id=task.message_id, campaign_id=task.campaign_id, external_id=task.external_id,
        detail=task.detail, created_at=task.created_at, completed_at=task.completed_at)


def list_linkedin_tasks(db: Session, *, status: LinkedInTaskStatus | None = None, limit: int = 50,
                        offset: int = 0) -> list[LinkedInTaskRead]:
    """Tasks oldest first (a work queue), with whom to reach and the note to copy; all statuses if None."""
    query = _reads().order_by(LinkedInTaskDB.created_at, LinkedInTaskDB.id).limit(limit).offset(offset)
    if status is not None:
        query = query.where(LinkedInTaskDB.status == status)
    return [_read(row) for row in db.execute(query)]


def get_linkedin_task(db: Session, task_id: int) -> LinkedInTaskRead:
    row = db.execute(_reads().where(LinkedInTaskDB.id == task_id)).first()
    if row is None:
        raise TaskNotFound(task_id)
    return _read(row)


def _finish(db: Session, task: LinkedInTaskDB, done: bool, detail: str | None, external_id: str | None) -> None:
    """Close the task, move the lead on and record the final attempt, in the caller's transaction."""
    if not done:
        detail = detail or f"{task.kind.value.replace('_', ' ')} marked failed"
    store.close_task(db, task, done=done, detail=detail, external_id=external_id)
    message = OutreachMessage(lead_id=task.lead_id, body=task.note, channel=Channel.LINKEDIN,
                              campaign_id=task.campaign_id, id=task.message_id or str(uuid.uuid4()))
    record_attempt(db, message, store.result_for(task))
    messages.settle_handover(db, task.message_id, done=done, detail=detail, now=utcnow())


def complete_linkedin_task(db: Session, task_id: int, done: bool, detail: str | None = None, *,
                           external_id: str | None = None) -> LinkedInTaskRead:
    """Mark an open task done or failed; TaskNotFound or TaskAlreadyClosed otherwise. Never commits."""
    task = store.lock_open_task(db, task_id)
    _finish(db, task, done, detail, external_id)
    db.flush()
    return get_linkedin_task(db, task_id)


def _callback(raw_body: bytes) -> tuple[int, bool, str | None, str | None]:
    try:
        data = json.loads(raw_body)
    except ValueError as exc:
        raise InvalidCallback(f"callback body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidCallback("callback body must be a JSON object")
    task_id, status = data.get("task_id"), data.get("status")
    if not isinstance(task_id, int) or isinstance(task_id, bool):
        raise InvalidCallback("callback needs an integer task_id")
    if status not in CALLBACK_OUTCOMES:
        raise InvalidCallback(f"callback status must be one of {', '.join(CALLBACK_OUTCOMES)}, not {status!r}")
    external_id, detail = data.get("id"), data.get("detail")
    return (task_id, CALLBACK_OUTCOMES[status], None if external_id is None else str(external_id),
            None if detail is None else str(detail))


def handle_linkedin_callback(db: Session, raw_body: bytes, signature_header: str | None,
                             now: datetime | None = None, *, secret: str | None = None,
                             tolerance: float = TOLERANCE_SECONDS) -> LinkedInTaskRead:
    """Complete a webhook task from the automation's signed callback {"task_id", "status": sent|failed, "id",
    "detail"}; a bad or stale signature, a replay or an unknown task is refused with a typed error. Never commits."""
    key = secret if secret is not None else get_settings().linkedin_webhook_secret or ""
    verify(key, raw_body, signature_header, now=(now or utcnow()).timestamp(), tolerance=tolerance)
    task_id, done, external_id, detail = _callback(raw_body)
    task = store.lock_task(db, task_id)
    if task.provider != WebhookProvider.name:
        raise TaskNotFound(task_id)
    store.ensure_open(task)
    _finish(db, task, done, detail, external_id)
    db.flush()
    return get_linkedin_task(db, task_id)


def set_linkedin_status(db: Session, lead_id: int, status: LinkedInStatus) -> LeadRead:
    """Record what the operator saw on LinkedIn, e.g. that a lead accepted the connection request. Never commits."""
    lead = leads.get(db, lead_id)
    lead.linkedin_status = status
    db.flush()
    return LeadRead.model_validate(lead)


connection_requests_since = store.connection_requests_since
