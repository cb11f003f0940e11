"""LinkedIn tasks: whom to reach, the note to copy, and marking each done or failed."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from aicmo import operator_services as ops
from aicmo.cam.outreach.models import LinkedInTaskStatus
from aicmo.web.dashboard.render import back_to, flash, page
from aicmo.web.dashboard.session import CsrfDep, DbDep, KeyDep

router = APIRouter()
SHOWN = 200


@router.get("/tasks", response_class=HTMLResponse)
def task_list(request: Request, db: DbDep, key: KeyDep) -> HTMLResponse:
    """Show the open LinkedIn tasks, oldest first, with the profile to open and the note to send."""
    return page(request, "tasks.html", tasks=ops.list_linkedin_tasks(db, status=LinkedInTaskStatus.OPEN, limit=SHOWN))


@router.post("/tasks/{task_id}/done", dependencies=[CsrfDep])
def done(request: Request, db: DbDep, key: KeyDep, task_id: int) -> Response:
    """Record that the connection request or message was sent."""
    try:
        task = ops.complete_linkedin_task(db, task_id, True)
    except ops.TaskAlreadyClosed as exc:
        db.rollback()
        flash(request, str(exc), "error")
    else:
        flash(request, f"Task {task.id} for {task.lead_name} marked done.")
    return back_to(request, "/tasks")


@router.post("/tasks/{task_id}/failed", dependencies=[CsrfDep])
def failed(request: Request, db: DbDep, key: KeyDep, task_id: int,
           detail: Annotated[str, Form()] = "") -> Response:
    """Record that it could not be sent: the message moves on to its next channel."""
    try:
        task = ops.fail_linkedin_task(db, task_id, detail.strip() or None)
    except ops.TaskAlreadyClosed as exc:
        db.rollback()
        flash(request, str(exc), "error")
    else:
        flash(request, f"Task {task.id} for {task.lead_name} marked failed.")
    return back_to(request, "/tasks")
