"""REST routes for sender mailboxes. Passwords and DKIM keys go in, never out: reads say only whether one is set."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response, status
from pydantic import BaseModel, Field

from aicmo import operator_services as ops
from aicmo.cam.analytics.mailbox_status import MailboxStatus
from aicmo.cam.deliverability.schemas import GuardThresholds, GuardThresholdsUpdate
from aicmo.cam.outreach.email.mailbox_schemas import MailboxCreate, MailboxHealth, MailboxRead, MailboxUpdate
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/mailboxes", tags=["mailboxes"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: PROBLEM_RESPONSES[404]}


class MailboxPause(BaseModel):
    reason: str | None = Field(default=None, max_length=500, description="Why, shown with the mailbox's state.")


@router.get("")
def mailbox_status(db: SessionDep) -> list[MailboxStatus]:
    """Every mailbox's state, sends today against today's cap, the deliverability guard's windows and its inbox."""
    return ops.mailbox_status(db)


@router.get("/guard")
def guard_thresholds(db: SessionDep) -> GuardThresholds:
    """The thresholds the deliverability guard applies to every mailbox."""
    return ops.guard_thresholds(db)


@router.patch("/guard")
def set_guard_thresholds(changes: GuardThresholdsUpdate, db: SessionDep) -> GuardThresholds:
    """Change some of the guard's thresholds for every worker and report; null returns one to its setting."""
    return ops.set_guard_thresholds(db, changes)


@router.post("", status_code=status.HTTP_201_CREATED, responses={409: PROBLEM_RESPONSES[409]})
def add_mailbox(data: MailboxCreate, db: SessionDep) -> MailboxRead:
    """Add a sender mailbox (SMTP, and optionally IMAP for replies and bounces, DKIM and a warm-up ramp)."""
    return ops.add_mailbox(db, data)


@router.get("/{name}", responses=NOT_FOUND)
def get_mailbox(name: str, db: SessionDep) -> MailboxRead:
    """One mailbox's settings: whether it has passwords and a DKIM key, not them."""
    return ops.get_mailbox(db, name)


@router.get("/{name}/health", responses=NOT_FOUND)
def mailbox_health(name: str, db: SessionDep) -> MailboxHealth:
    """Sent today against today's cap, and the hard-bounce and complaint rates of the last day."""
    return ops.mailbox_health(db, name)


@router.patch("/{name}", responses=NOT_FOUND)
def update_mailbox(name: str, changes: MailboxUpdate, db: SessionDep) -> MailboxRead:
    """Change some settings; an optional one given as null (or blank) is removed, the rest stay."""
    return ops.update_mailbox(db, name, changes)


@router.post("/{name}/pause", responses=NOT_FOUND)
def pause_mailbox(name: str, db: SessionDep,
                  pause: Annotated[MailboxPause | None, Body()] = None) -> MailboxRead:
    """Stop sending from the mailbox until it is resumed."""
    return ops.pause_mailbox(db, name, pause.reason if pause else None)


@router.post("/{name}/resume", responses=NOT_FOUND)
def resume_mailbox(name: str, db: SessionDep) -> MailboxRead:
    """Send from the mailbox again."""
    return ops.resume_mailbox(db, name)


@router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
def remove_mailbox(name: str, db: SessionDep) -> Response:
    """Delete the mailbox; its past attempts and events stay, unlinked."""
    ops.remove_mailbox(db, name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
