"""Forms a machine must not send, left to a person: a result says so in its detail, and recording it opens an
operator task (aicmo.cam.outreach.tasks) with the page and the text to paste, once per message."""

from datetime import datetime

from sqlalchemy.orm import Session

from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach.domain import Channel, OutreachMessage, SendResult, SendStatus
from aicmo.cam.outreach.tasks import store as tasks
from aicmo.cam.outreach.tasks.models import OperatorTaskDB, TaskKind

# Starts the detail of a contact-form result that a person should send by hand: recording it offers a task.
MANUAL_TASK = "[manual task]"
_OFFERED = ": not submitted; offered to the operator as a manual task"


def manual_detail(reason: str) -> str:
    """The detail of a form the channel left for a person, e.g. because of a CAPTCHA."""
    return f"{MANUAL_TASK} {reason}{_OFFERED}"


def manual_reason(result: SendResult) -> str | None:
    """Why a person should send this form by hand, or None for any other result."""
    if (result.channel is not Channel.CONTACT_FORM or result.status is not SendStatus.FAILED
            or not result.detail.startswith(MANUAL_TASK)):
        return None
    return result.detail.removeprefix(MANUAL_TASK).removesuffix(_OFFERED).strip()


def offer(db: Session, message: OutreachMessage, result: SendResult, now: datetime) -> OperatorTaskDB | None:
    """Open a task when the result leaves the form to a person; the message's existing task if it has one."""
    reason = manual_reason(result)
    if reason is None:
        return None
    task = tasks.find_by_message(db, TaskKind.FORM, message.id)
    lead = db.get(LeadDB, message.lead_id)
    if task is not None or lead is None:
        return task
    return tasks.add(db, lead, TaskKind.FORM, message_id=message.id, campaign_id=message.campaign_id,
                     url=result.target or lead.contact_form_url or lead.website or "", reason=reason,
                     subject=message.subject, body=message.body, now=now)
