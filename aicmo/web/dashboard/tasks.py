"""The operator-task queue on one page: LinkedIn steps and contact forms to send by hand (`?kind=` shows one kind),
with what to open and copy, each marked done or failed. The forms' own page of before, /form-tasks, leads here."""

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aicmo import operator_services as ops
from aicmo.cam.outreach.tasks.models import TaskKind, TaskStatus
from aicmo.web.dashboard.render import back_to, base_path, flash, page
from aicmo.web.dashboard.session import CsrfDep, DbDep, KeyDep

router = APIRouter()
SHOWN = 200
KINDS = (("", "All"), (TaskKind.LINKEDIN.value, "LinkedIn"), (TaskKind.FORM.value, "Contact forms"))
# How a flash message names a task of each kind.
NAMES = {TaskKind.LINKEDIN: "Task", TaskKind.FORM: "Contact form"}
KIND_VALUES = {kind.value for kind in TaskKind}
Kind = Literal["linkedin", "form"]
Detail = Annotated[str, Form()]
Shown = Annotated[str, Form()]  # the kind the page showed, to show it again after the change


def _listing(kind: str) -> str:
    return "/tasks" + (f"?kind={kind}" if kind in KIND_VALUES else "")


@router.get("/tasks", response_class=HTMLResponse)
def task_list(request: Request, db: DbDep, key: KeyDep, kind: Kind | None = None) -> HTMLResponse:
    """Show the open tasks, oldest first, of every kind or of the one asked for."""
    tasks = ops.list_tasks(db, kind=TaskKind(kind) if kind else None, status=TaskStatus.OPEN, limit=SHOWN)
    return page(request, "tasks.html", tasks=tasks, kind=kind or "", kinds=KINDS)


def _close(request: Request, db: DbDep, task_id: int, done: bool, detail: str | None, kind: TaskKind | None,
           shown: str) -> Response:
    try:
        task = ops.complete_task(db, task_id, done, detail, kind=kind)
    except ops.TaskAlreadyClosed as exc:
        db.rollback()
        flash(request, str(exc), "error")
    else:
        flash(request, f"{NAMES[task.task_kind]} {task.id} for {task.lead_name} marked {task.status.value}.")
    return back_to(request, _listing(shown))


@router.post("/tasks/{task_id}/done", dependencies=[CsrfDep])
def done(request: Request, db: DbDep, key: KeyDep, task_id: int, shown: Shown = "") -> Response:
    """Record that the LinkedIn step or the form was sent."""
    return _close(request, db, task_id, True, None, None, shown)


@router.post("/tasks/{task_id}/failed", dependencies=[CsrfDep])
def failed(request: Request, db: DbDep, key: KeyDep, task_id: int, detail: Detail = "", shown: Shown = "") -> Response:
    """Record that it could not be sent: a LinkedIn step's message moves on to its next channel."""
    return _close(request, db, task_id, False, detail.strip() or None, None, shown)


@router.get("/form-tasks")
def form_task_list(request: Request, key: KeyDep) -> RedirectResponse:
    """The contact forms' page is the tasks page showing forms."""
    return RedirectResponse(base_path(request) + _listing(TaskKind.FORM), status_code=308)


@router.post("/form-tasks/{task_id}/done", dependencies=[CsrfDep])
def form_done(request: Request, db: DbDep, key: KeyDep, task_id: int) -> Response:
    """Record that the form was sent by hand (a contact-form task only)."""
    return _close(request, db, task_id, True, None, TaskKind.FORM, TaskKind.FORM)


@router.post("/form-tasks/{task_id}/failed", dependencies=[CsrfDep])
def form_failed(request: Request, db: DbDep, key: KeyDep, task_id: int, detail: Detail = "") -> Response:
    """Record that the form could not be sent by hand either (a contact-form task only)."""
    return _close(request, db, task_id, False, detail.strip() or None, TaskKind.FORM, TaskKind.FORM)
