"""REST routes for the LinkedIn work queue: the tasks waiting for a person, marked done or failed."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query
from pydantic import BaseModel, Field

from aicmo import operator_services as ops
from aicmo.cam.outreach.linkedin.schemas import LinkedInTaskRead
from aicmo.cam.outreach.models import LinkedInTaskStatus
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/tasks", tags=["linkedin tasks"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})
CLOSE_RESPONSES: dict[int | str, dict[str, Any]] = {404: PROBLEM_RESPONSES[404], 409: PROBLEM_RESPONSES[409]}
StatusFilter = Literal["open", "done", "failed", "cancelled", "all"]
TaskId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # the id columns are 32-bit integers


class TaskOutcome(BaseModel):
    detail: str | None = Field(default=None, max_length=2000, description="A note for the record, or why it failed.")


@router.get("")
def list_tasks(db: SessionDep, status: StatusFilter = "open", limit: Annotated[int, Query(ge=1, le=500)] = 50,
               offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0) -> list[LinkedInTaskRead]:
    """Tasks oldest first, with the profile to open and the note to copy; open ones unless `status` says."""
    chosen = None if status == "all" else LinkedInTaskStatus(status)
    return ops.list_linkedin_tasks(db, status=chosen, limit=limit, offset=offset)


@router.post("/{task_id}/done", responses=CLOSE_RESPONSES)
def task_done(task_id: TaskId, db: SessionDep,
              outcome: Annotated[TaskOutcome | None, Body()] = None) -> LinkedInTaskRead:
    """Mark an open task done: the connection request or message was sent on LinkedIn."""
    return ops.complete_linkedin_task(db, task_id, True, outcome.detail if outcome else None)


@router.post("/{task_id}/failed", responses=CLOSE_RESPONSES)
def task_failed(task_id: TaskId, db: SessionDep,
                outcome: Annotated[TaskOutcome | None, Body()] = None) -> LinkedInTaskRead:
    """Mark an open task failed (profile gone, invitation refused): the message tries its next channel."""
    return ops.fail_linkedin_task(db, task_id, outcome.detail if outcome else None)
