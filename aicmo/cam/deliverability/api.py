"""REST routes for the deliverability guard's thresholds, the same for every mailbox."""

from fastapi import APIRouter, Depends

from aicmo import operator_services as ops
from aicmo.cam.deliverability.schemas import GuardThresholds, GuardThresholdsUpdate
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

# Not under /api/mailboxes: /api/mailboxes/{name} would lose a mailbox named "guard".
router = APIRouter(prefix="/api/deliverability", tags=["mailboxes"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})


@router.get("/guard")
def guard_thresholds(db: SessionDep) -> GuardThresholds:
    """The thresholds the deliverability guard applies to every mailbox."""
    return ops.guard_thresholds(db)


@router.patch("/guard")
def set_guard_thresholds(changes: GuardThresholdsUpdate, db: SessionDep) -> GuardThresholds:
    """Change some of the guard's thresholds for every worker and report; null returns one to its setting."""
    return ops.set_guard_thresholds(db, changes)
