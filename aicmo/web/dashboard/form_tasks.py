"""Contact forms to send by hand: the page to open, the text to paste, and marking each done or failed."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from aicmo import operator_services as ops
from aicmo.cam.outreach.forms.tasks.errors import FormTaskAlreadyClosed
from aicmo.cam.outreach.forms.tasks.models import ContactFormTaskStatus
from aicmo.web.dashboard.render import back_to, flash, page
from aicmo.web.dashboard.session import CsrfDep, DbDep, KeyDep

router = APIRouter()
SHOWN = 200


@router.get("/form-tasks", response_class=HTMLResponse)
def form_task_list(request: Request, db: DbDep, key: KeyDep) -> HTMLResponse:
    """Show the open contact-form tasks, oldest first, with the form to open and the text to paste."""
    return page(request, "form_tasks.html",
                tasks=ops.list_form_tasks(db, status=ContactFormTaskStatus.OPEN, limit=SHOWN))


def _close(request: Request, db: DbDep, task_id: int, done: bool, detail: str | None) -> Response:
    try:
        task = ops.complete_form_task(db, task_id, done, detail)
    except FormTaskAlreadyClosed as exc:
        db.rollback()
        flash(request, str(exc), "error")
    else:
        flash(request, f"Contact form {task.id} for {task.lead_name} marked {task.status.value}.")
    return back_to(request, "/form-tasks")


@router.post("/form-tasks/{task_id}/done", dependencies=[CsrfDep])
def done(request: Request, db: DbDep, key: KeyDep, task_id: int) -> Response:
    """Record that the form was sent by hand."""
    return _close(request, db, task_id, True, None)


@router.post("/form-tasks/{task_id}/failed", dependencies=[CsrfDep])
def failed(request: Request, db: DbDep, key: KeyDep, task_id: int,
           detail: Annotated[str, Form()] = "") -> Response:
    """Record that the form could not be sent by hand either."""
    return _close(request, db, task_id, False, detail.strip() or None)
