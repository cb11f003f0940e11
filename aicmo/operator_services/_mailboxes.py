"""Sender mailboxes of the email channel (aicmo.cam.outreach.email.mailboxes)."""

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from aicmo.cam.analytics import mailbox_status as mailbox_status_view
from aicmo.cam.analytics.mailbox_status import MailboxStatus
from aicmo.cam.deliverability import guard
from aicmo.cam.deliverability.schemas import GuardThresholds, GuardThresholdsUpdate
from aicmo.cam.outreach.email import mailboxes, secret_rotation
from aicmo.cam.outreach.email.mailbox_schemas import MailboxCreate, MailboxHealth, MailboxRead, MailboxUpdate
from aicmo.cam.outreach.email.secret_rotation import RotationReport
from aicmo.db.base import utcnow
from aicmo.settings import get_settings


def add_mailbox(db: Session, data: MailboxCreate | Mapping[str, Any]) -> MailboxRead:
    """Store a new sender mailbox; InvalidMailbox names the field at fault, DuplicateMailbox if the name is taken."""
    mailbox = mailboxes.create_mailbox(db, data, now=utcnow())
    db.commit()
    return MailboxRead.model_validate(mailbox)


def list_mailboxes(db: Session) -> list[MailboxRead]:
    return [MailboxRead.model_validate(mailbox) for mailbox in mailboxes.list_mailboxes(db)]


def get_mailbox(db: Session, name: str) -> MailboxRead:
    return MailboxRead.model_validate(mailboxes.get_mailbox(db, name))


def update_mailbox(db: Session, name: str, data: MailboxUpdate | Mapping[str, Any]) -> MailboxRead:
    """Change some of a mailbox's settings; None (or blank) removes an optional one."""
    mailbox = mailboxes.update_mailbox(db, name, data, now=utcnow())
    db.commit()
    return MailboxRead.model_validate(mailbox)


def pause_mailbox(db: Session, name: str, reason: str | None = None) -> MailboxRead:
    """Stop sending from a mailbox (e.g. while its bounce rate is looked into) until resumed."""
    mailbox = mailboxes.pause_mailbox(db, name, reason, utcnow())
    db.commit()
    return MailboxRead.model_validate(mailbox)


def resume_mailbox(db: Session, name: str) -> MailboxRead:
    mailbox = mailboxes.resume_mailbox(db, name, utcnow())
    db.commit()
    return MailboxRead.model_validate(mailbox)


def remove_mailbox(db: Session, name: str) -> None:
    """Delete a mailbox; its past attempts and events stay, unlinked."""
    mailboxes.delete_mailbox(db, name)
    db.commit()


def mailbox_health(db: Session, name: str, window: timedelta = timedelta(days=1), *,
                   now: datetime | None = None) -> MailboxHealth:
    """Sent today against today's cap (warm-up applied), hard-bounce and complaint rates over the window, state."""
    return mailboxes.mailbox_health(db, name, window, now=now)


def mailbox_status(db: Session, *, now: datetime | None = None) -> list[MailboxStatus]:
    """Every mailbox's state, sends today, the deliverability guard's figures and its inbox's last poll."""
    return mailbox_status_view.mailbox_status(db, settings=get_settings(), now=now or utcnow())


def guard_thresholds(db: Session) -> GuardThresholds:
    """The thresholds the deliverability guard applies now: those stored, the rest from the AICMO_GUARD_* settings."""
    return GuardThresholds(**asdict(guard.thresholds(db, get_settings())))


def set_guard_thresholds(db: Session, data: GuardThresholdsUpdate | Mapping[str, Any]) -> GuardThresholds:
    """Change the guard's thresholds for every worker and report; InvalidGuardThresholds names a bad field."""
    update = GuardThresholdsUpdate.checked(data if isinstance(data, GuardThresholdsUpdate) else dict(data))
    guard.store_thresholds(db, update.changes())
    db.commit()
    return guard_thresholds(db)


def rotate_mailbox_secrets(db: Session) -> RotationReport:
    """Encrypt every stored mailbox secret again with the current AICMO_SECRET_KEY; a second run changes nothing."""
    report = secret_rotation.rotate_secrets(db, get_settings())
    db.commit()
    return report
