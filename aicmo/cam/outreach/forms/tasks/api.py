"""REST routes for contact forms left to the operator: list them, mark each sent by hand or failed."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import BaseModel, Field

from aicmo import operator_services as ops
from aicmo.cam.outreach.forms.tasks.models import ContactFormTaskStatus
from aicmo.cam.outreach.forms.tasks.schemas import ContactFormTaskRead
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/form-tasks", tags=["contact form tasks"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: PROBLEM_RESPONSES[404]}
CLOSE_RESPONSES: dict[int | str, dict[str, Any]] = {404: PROBLEM_RESPONSES[404], 409: PROBLEM_RESPONSES[409]}
StatusFilter = Literal["open", "done", "failed", "cancelled", "all"]
TaskId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # the id column is a 32-bit integer


class FormTaskOutcome(BaseModel):
    detail: str | None = Field(default=None, max_length=2000, description="A note for the record, or why it failed.")


@router.get("")
def list_tasks(db: SessionDep, status: StatusFilter = "open", limit: Annotated[int, Query(ge=1, le=500)] = 50,
               offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0) -> list[ContactFormTaskRead]:
    """Forms to send by hand, oldest first, with the page, the reason and the text; open ones unless `status` says."""
    chosen = None if status == "all" else ContactFormTaskStatus(status)
    return ops.list_form_tasks(db, status=chosen, limit=limit, offset=offset)


@router.get("/{task_id}", responses=NOT_FOUND)
def get_task(task_id: TaskId, db: SessionDep) -> ContactFormTaskRead:
    """One task, whatever its status."""
    return ops.get_form_task(db, task_id)


@router.post("/{task_id}/done", responses=CLOSE_RESPONSES)
def task_done(task_id: TaskId, db: SessionDep,
              outcome: Annotated[FormTaskOutcome | None, Body()] = None) -> ContactFormTaskRead:
    """Mark an open task done: the form was sent by hand, and counts as a contact-form send to the lead."""
    return ops.complete_form_task(db, task_id, True, outcome.detail if outcome else None)


@router.post("/{task_id}/failed", responses=CLOSE_RESPONSES)
def task_failed(task_id: TaskId, db: SessionDep,
                outcome: Annotated[FormTaskOutcome | None, Body()] = None) -> ContactFormTaskRead:
    """Mark an open task failed: the form could not be sent by hand either."""
    return ops.complete_form_task(db, task_id, False, outcome.detail if outcome else None)
