"""The operator's word on a message: send it again (`retry`), or settle one in doubt as delivered, resend or drop.

A message is in doubt when it may have gone out (no answer came once the server had it all, or the worker
stopped while the channel had it): it is never sent again by itself. Whatever the operator decides is recorded
as an entry of the lead's history, beside the attempt that left it in doubt. A message asked for again is sent
whatever its campaign's state, except a paused campaign's, which waits for the campaign.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from aicmo.cam.campaigns import flows
from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.attempts import record_attempt
from aicmo.cam.outreach.domain import Channel, MessageStatus, SendResult, SendStatus
from aicmo.cam.outreach.messages import MessageRead
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.templates.bounds import RenderLimits
from aicmo.errors import MessageNotFound, MessageStateError

RETRYABLE = (MessageStatus.FAILED, MessageStatus.CANCELLED, MessageStatus.SKIPPED, MessageStatus.IN_DOUBT)
_REACHED = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.REPLIED, MessageStatus.BOUNCED)


class Settlement(StrEnum):
    DELIVERED = "delivered"  # it did arrive: counted as sent, and the sequence goes on
    RESEND = "resend"  # it did not: send it again
    DROP = "drop"  # leave it unsent


def retry(db: Session, message_id: str, *, now: datetime) -> MessageRead:
    """Queue a message that is not on its way and never reached the lead again; MessageStateError says why not.
    Never commits."""
    message = _message(db, message_id)
    if message.status is MessageStatus.IN_DOUBT:
        return settle(db, message_id, Settlement.RESEND, now=now)
    _check_retryable(db, message)
    _queue_again(message, now)
    return MessageRead.model_validate(message)


def settle(db: Session, message_id: str, decision: Settlement, *, now: datetime,
           limits: RenderLimits | None = None) -> MessageRead:
    """Settle a message in doubt as the operator decided, recorded in the lead's history. Never commits."""
    message = _message(db, message_id)
    if message.status is not MessageStatus.IN_DOUBT:
        raise MessageStateError(f"message {message_id} is {message.status.value}, not in doubt: nothing to settle")
    if decision is Settlement.RESEND:
        _check_retryable(db, message)
    channel = message.channel or Channel.EMAIL
    if decision is Settlement.DELIVERED:
        result = SendResult(SendStatus.SENT, channel, detail="was in doubt; the operator says it was delivered",
                            provider_message_id=message.provider_message_id)
        messages.set_status(message, MessageStatus.SENT, now)
        message.error_kind = message.last_error = None
        record_attempt(db, messages.as_outreach(message), result, now=now)
        lead = db.get(LeadDB, message.lead_id)
        if lead is not None and limits is not None:
            flows.after_sent(db, message, lead, result, now, limits=limits)
    elif decision is Settlement.RESEND:
        _note(db, message, channel, "was in doubt; the operator asked to send it again", now)
        _queue_again(message, now)
    else:
        _note(db, message, channel, "was in doubt; the operator dropped it (not sent again)", now)
        messages.set_status(message, MessageStatus.CANCELLED, now)
        message.last_error = "dropped by the operator while in doubt"
    return MessageRead.model_validate(message)


def _message(db: Session, message_id: str) -> OutreachMessageDB:
    message = db.get(OutreachMessageDB, message_id)
    if message is None:
        raise MessageNotFound(message_id)
    return message


def _check_retryable(db: Session, message: OutreachMessageDB) -> None:
    if message.status in _REACHED:
        raise MessageStateError(f"message {message.id} is {message.status.value}: it went out (or was handed "
                                "over), so sending it again would send it twice")
    if message.status not in RETRYABLE:
        raise MessageStateError(f"message {message.id} is {message.status.value}: it is already on its way")
    campaign = db.get(CampaignDB, message.campaign_id) if message.campaign_id is not None else None
    if campaign is not None and campaign.status == "paused":
        raise MessageStateError(f"message {message.id} belongs to campaign {campaign.name!r}, which is paused: "
                                f"resume it first (aicmo campaigns resume {campaign.id})")


def _queue_again(message: OutreachMessageDB, now: datetime) -> None:
    messages.set_status(message, MessageStatus.PENDING, now)
    message.next_attempt_at, message.channel_attempts, message.retried_at = now, 0, now
    message.lease_owner = message.lease_expires_at = None


def _note(db: Session, message: OutreachMessageDB, channel: Channel, detail: str, now: datetime) -> None:
    record_attempt(db, messages.as_outreach(message), SendResult(SendStatus.SKIPPED, channel, detail=detail), now=now)
