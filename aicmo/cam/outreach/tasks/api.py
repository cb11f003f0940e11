"""REST routes for the operator-task queue: tasks of every kind (`kind` filters), each marked done or failed.

`routes_for` serves the same routes for one kind under the prefix an earlier version gave that kind
(`/api/form-tasks`, forms/api.py).
"""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.outreach.tasks.models import TaskKind, TaskStatus
from aicmo.cam.outreach.tasks.schemas import TaskRead
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

DEPENDENCIES = [Depends(require_api_key)]
RESPONSES: dict[int | str, dict[str, Any]] = {401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: PROBLEM_RESPONSES[404]}
CLOSE_RESPONSES: dict[int | str, dict[str, Any]] = {404: PROBLEM_RESPONSES[404], 409: PROBLEM_RESPONSES[409]}
KindFilter = Literal["linkedin", "form", "all"]
StatusFilter = Literal["open", "done", "failed", "cancelled", "all"]
TaskId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # the id column is a 32-bit integer
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1)]

router = APIRouter(prefix="/api/tasks", tags=["tasks"], dependencies=DEPENDENCIES, responses=RESPONSES)


class TaskOutcome(BaseModel):
    detail: str | None = Field(default=None, max_length=2000, description="A note for the record, or why it failed.")


Outcome = Annotated[TaskOutcome | None, Body()]


def _list(db: Session, kind: TaskKind | None, status: StatusFilter, limit: int, offset: int) -> list[TaskRead]:
    return ops.list_tasks(db, kind=kind, status=None if status == "all" else TaskStatus(status), limit=limit,
                          offset=offset)


def _close(db: Session, task_id: int, done: bool, outcome: TaskOutcome | None, kind: TaskKind | None) -> TaskRead:
    return ops.complete_task(db, task_id, done, outcome.detail if outcome else None, kind=kind)


@router.get("")
def list_tasks(db: SessionDep, kind: KindFilter = "all", status: StatusFilter = "open", limit: Limit = 50,
               offset: Offset = 0) -> list[TaskRead]:
    """Tasks oldest first, each in the shape of its kind (`task_kind`): a LinkedIn step with the profile to open and
    the note to copy, a contact form with the page, the reason and the text. Open ones of every kind unless
    `kind` and `status` say."""
    return _list(db, None if kind == "all" else TaskKind(kind), status, limit, offset)


@router.get("/{task_id}", responses=NOT_FOUND)
def get_task(task_id: TaskId, db: SessionDep) -> TaskRead:
    """One task, whatever its kind and status."""
    return ops.get_task(db, task_id)


@router.post("/{task_id}/done", responses=CLOSE_RESPONSES)
def task_done(task_id: TaskId, db: SessionDep, outcome: Outcome = None) -> TaskRead:
    """Mark an open task done: the LinkedIn step or the form was sent, and counts as a send to the lead."""
    return _close(db, task_id, True, outcome, None)


@router.post("/{task_id}/failed", responses=CLOSE_RESPONSES)
def task_failed(task_id: TaskId, db: SessionDep, outcome: Outcome = None) -> TaskRead:
    """Mark an open task failed (profile gone, form broken): a LinkedIn step's message tries its next channel."""
    return _close(db, task_id, False, outcome, None)


def routes_for(kind: TaskKind, prefix: str, tag: str) -> APIRouter:
    """The routes above for tasks of one kind only, under `prefix`: another kind's id there is not found."""
    aliases = APIRouter(prefix=prefix, tags=[tag], dependencies=DEPENDENCIES, responses=RESPONSES, deprecated=True)

    @aliases.get("")
    def list_tasks(db: SessionDep, status: StatusFilter = "open", limit: Limit = 50,
                   offset: Offset = 0) -> list[TaskRead]:
        """Open tasks of this kind, oldest first, unless `status` says (`GET /api/tasks?kind=…`)."""
        return _list(db, kind, status, limit, offset)

    @aliases.get("/{task_id}", responses=NOT_FOUND)
    def get_task(task_id: TaskId, db: SessionDep) -> TaskRead:
        """One task of this kind, whatever its status."""
        return ops.get_task(db, task_id, kind)

    @aliases.post("/{task_id}/done", responses=CLOSE_RESPONSES)
    def task_done(task_id: TaskId, db: SessionDep, outcome: Outcome = None) -> TaskRead:
        """Mark an open task of this kind done."""
        return _close(db, task_id, True, outcome, kind)

    @aliases.post("/{task_id}/failed", responses=CLOSE_RESPONSES)
    def task_failed(task_id: TaskId, db: SessionDep, outcome: Outcome = None) -> TaskRead:
        """Mark an open task of this kind failed."""
        return _close(db, task_id, False, outcome, kind)

    return aliases
