"""REST routes for messages: list and read them, retry a failed one, settle one in doubt, and write to a lead."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from aicmo import operator_services as ops
from aicmo.cam.leads.api import MAX_ID, LeadId
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.messages import MessageCreate, MessageRead
from aicmo.operator_services import Settlement
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["messages"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: PROBLEM_RESPONSES[404]}
MessageId = Annotated[str, Path(max_length=36, pattern="^[0-9a-fA-F-]+$", description="The message's id (a UUID).")]


@router.get("/messages")
def list_messages(
    db: SessionDep,
    message_status: Annotated[list[MessageStatus] | None, Query(
        alias="status", description="Only these statuses (repeatable).")] = None,
    channel: Annotated[Channel | None, Query(description="Only messages whose current channel is this.")] = None,
    lead_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this lead's messages.")] = None,
    campaign_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this campaign's messages.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="How many, newest first.")] = 50,
) -> list[MessageRead]:
    """Messages newest first, with where each stands and why it last failed."""
    return ops.filter_messages(db, statuses=message_status or (), channel=channel, lead_id=lead_id,
                               campaign_id=campaign_id, limit=limit)


class SettlementCreate(BaseModel):
    """What became of a message in doubt, as the operator knows it."""

    model_config = ConfigDict(extra="forbid")

    decision: Settlement = Field(description="delivered: it arrived (counted as sent, the sequence goes on); "
                                             "resend: send it again; drop: leave it unsent.")


@router.get("/messages/in-doubt")
def list_messages_in_doubt(
    db: SessionDep,
    lead_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this lead's messages.")] = None,
    campaign_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this campaign's messages.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="How many, newest first.")] = 50,
) -> list[MessageRead]:
    """Messages in doubt (they may have gone out, so they are not sent again by themselves), newest first."""
    return ops.list_messages_in_doubt(db, campaign_id=campaign_id, lead_id=lead_id, limit=limit)


@router.get("/messages/{message_id}", responses=NOT_FOUND)
def get_message(message_id: MessageId, db: SessionDep) -> MessageRead:
    """One message: its channels, status, attempts and last error."""
    return ops.get_message(db, message_id)


@router.post("/messages/{message_id}/retry", responses=NOT_FOUND | {409: PROBLEM_RESPONSES[409]})
def retry_message(message_id: MessageId, db: SessionDep) -> MessageRead:
    """Queue a failed, skipped, cancelled or in-doubt message again, from the channel it stopped on, whatever its
    campaign's state; 409 (saying why) for any other, or for a paused campaign's."""
    return ops.retry_message(db, message_id)


@router.post("/messages/{message_id}/settle", responses=NOT_FOUND | {409: PROBLEM_RESPONSES[409]})
def settle_message(message_id: MessageId, data: SettlementCreate, db: SessionDep) -> MessageRead:
    """Settle a message in doubt as delivered, resend or drop, recorded in the lead's history; 409 if not in doubt."""
    return ops.settle_message(db, message_id, data.decision)


@router.post("/leads/{lead_id}/send", status_code=status.HTTP_202_ACCEPTED, tags=["leads"], responses=NOT_FOUND)
def send_to_lead(lead_id: LeadId, data: MessageCreate, db: SessionDep) -> MessageRead:
    """Queue one message to the lead; the worker sends it, trying each channel in turn within the rate limits."""
    return ops.send_outreach_message(db, lead_id, data.body, data.subject, channels=data.channels, deliver=False)
