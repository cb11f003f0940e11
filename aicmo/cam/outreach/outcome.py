"""What became of a message, in one line for the operator: sent where, waiting for whom, or why not."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.outreach.domain import Channel, MessageStatus, SendStatus
from aicmo.cam.outreach.models import OutreachAttemptDB, OutreachMessageDB
from aicmo.cam.outreach.tasks.models import OperatorTaskDB, TaskKind, TaskStatus
from aicmo.errors import MessageNotFound

_WAITING_FOR = {TaskKind.LINKEDIN: "LinkedIn task", TaskKind.FORM: "contact-form task"}


def what_happened(db: Session, message_id: str) -> str:
    """The message's outcome so far, e.g. "sent by email to jane@acme.io" or "LinkedIn task 12 waiting for you"."""
    message = db.get(OutreachMessageDB, message_id)
    if message is None:
        raise MessageNotFound(message_id)
    last = db.scalars(select(OutreachAttemptDB).where(OutreachAttemptDB.message_id == message_id)
                      .order_by(OutreachAttemptDB.started_at.desc(), OutreachAttemptDB.id.desc()).limit(1)).first()
    if last is not None and last.status is SendStatus.PENDING and message.status is MessageStatus.SENT:
        return _handed_over(db, message, last)
    if message.status in (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.REPLIED):
        channel = (last.channel if last is not None else message.channel) or Channel.EMAIL
        where = f" to {last.target}" if last is not None and last.target else ""
        return f"{message.status.value} by {_name(channel)}{where}"
    if message.status is MessageStatus.PENDING:
        why = f" ({message.last_error})" if message.last_error else ""
        return f"waiting for the worker{why}"
    return f"{message.status.value}: {message.last_error}" if message.last_error else message.status.value


def _handed_over(db: Session, message: OutreachMessageDB, last: OutreachAttemptDB) -> str:
    task = db.scalars(select(OperatorTaskDB).where(OperatorTaskDB.message_id == message.id,
                                                   OperatorTaskDB.status == TaskStatus.OPEN)
                      .order_by(OperatorTaskDB.id.desc()).limit(1)).first()
    if task is None:
        return f"handed over to {_name(last.channel)}: {last.detail or 'waiting'}"
    who = "you (aicmo tasks list)" if task.provider in (None, "tasks") else f"the {task.provider} provider"
    return f"{_WAITING_FOR[task.kind]} {task.id} waiting for {who}"


def _name(channel: Channel) -> str:
    return {Channel.EMAIL: "email", Channel.LINKEDIN: "LinkedIn", Channel.CONTACT_FORM: "contact form"}[channel]
