"""LinkedIn's own operator functions: a webhook step completed by the automation's signed callback, and what the
operator saw of a lead on LinkedIn. Never commit. Its tasks are listed and closed by hand in the operator-task queue
(aicmo.cam.outreach.tasks)."""

import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo.cam.leads import service as leads
from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach import task_queue as tasks
from aicmo.cam.outreach.linkedin.webhook import WebhookProvider
from aicmo.cam.outreach.tasks import store
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind, OperatorTaskDB, TaskKind, TaskStatus
from aicmo.cam.outreach.tasks.schemas import TaskRead
from aicmo.db.base import utcnow
from aicmo.errors import InvalidCallback
from aicmo.net.signing import TOLERANCE_SECONDS, verify

CALLBACK_OUTCOMES = {"sent": True, "failed": False}


def _callback(raw_body: bytes) -> tuple[int, bool, str | None, str | None]:
    try:
        data = json.loads(raw_body)
    except ValueError as exc:
        raise InvalidCallback(f"callback body is not JSON: {exc}") from exc
    except RecursionError:
        raise InvalidCallback("callback body is nested too deeply") from None
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
                             now: datetime | None = None, *, secret: str,
                             tolerance: float = TOLERANCE_SECONDS) -> TaskRead:
    """Complete a webhook task from the automation's signed callback {"task_id", "status": sent|failed, "id",
    "detail"}; a bad or stale signature, a replay or an unknown task is refused with a typed error."""
    verify(secret, raw_body, signature_header, now=(now or utcnow()).timestamp(), tolerance=tolerance)
    task_id, done, external_id, detail = _callback(raw_body)
    task = store.lock(db, task_id, TaskKind.LINKEDIN)
    if task.provider != WebhookProvider.name:
        raise store.not_found(task_id, TaskKind.LINKEDIN)  # a person's task is not the automation's to close
    store.ensure_open(task)
    tasks.finish(db, task, done, detail, external_id)
    db.flush()
    return tasks.get_task(db, task_id)


def set_linkedin_status(db: Session, lead_id: int, status: LinkedInStatus) -> LeadRead:
    """Record what the operator saw on LinkedIn, e.g. that a lead accepted the connection request."""
    lead = leads.get(db, lead_id)
    lead.linkedin_status = status
    db.flush()
    return LeadRead.model_validate(lead)


def connection_requests_since(db: Session, since: datetime) -> int:
    """Connection requests made or waiting to be made since then (failed ones never reached LinkedIn)."""
    return db.scalar(select(func.count()).select_from(OperatorTaskDB).where(
        OperatorTaskDB.kind == TaskKind.LINKEDIN, OperatorTaskDB.action == LinkedInTaskKind.CONNECTION_REQUEST,
        OperatorTaskDB.created_at >= since, OperatorTaskDB.status != TaskStatus.FAILED)) or 0
