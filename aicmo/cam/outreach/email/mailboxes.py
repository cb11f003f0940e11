"""Adding, changing, pausing and removing sender mailboxes, and how each is doing. Session first; never commits."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo.cam.outreach.attempts import event_rate
from aicmo.cam.outreach.domain import EventKind
from aicmo.cam.outreach.email.mailbox_schemas import (
    DEFAULT_IMAP_PORTS,
    DEFAULT_PORTS,
    MailboxCreate,
    MailboxUpdate,
    consistency_problem,
)
from aicmo.cam.outreach.email.status import MailboxHealth, cap_today, sent_today
from aicmo.cam.outreach.models import MailboxDB
from aicmo.db.base import utcnow
from aicmo.errors import AicmoError, InvalidField

# Columns a MailboxCreate fills as they are (name and the warm-up start time are set apart).
_COLUMNS = ("from_address", "from_name", "reply_to", "smtp_host", "smtp_security", "smtp_username", "smtp_password",
            "signature_text", "signature_html", "daily_cap", "warmup_start", "warmup_increment", "dkim_domain",
            "dkim_selector", "dkim_private_key", "imap_host", "imap_port", "imap_security", "imap_username",
            "imap_password", "imap_folder", "bounce_folder", "enabled")


class MailboxNotFound(AicmoError):
    def __init__(self, name: str) -> None:
        super().__init__(f"mailbox {name!r} not found")
        self.name = name


class InvalidMailbox(InvalidField):
    """A mailbox cannot be stored as given."""


class DuplicateMailbox(AicmoError):
    def __init__(self, name: str, existing: str) -> None:
        same = "" if existing == name else f" (as {existing!r})"
        super().__init__(f"a mailbox named {name!r} already exists{same}")
        self.name = name
        self.existing = existing


def invalid_mailbox(exc: ValidationError) -> InvalidMailbox:
    """One InvalidMailbox for every problem pydantic found, naming the first field at fault."""
    problems: list[tuple[str | None, str]] = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        reason = "unknown field" if error["type"] == "extra_forbidden" else error["msg"].removeprefix("Value error, ")
        if field:
            problems.append((field, reason))
        else:  # a whole-model check names its field itself ("field: reason")
            named, _, said = reason.partition(": ")
            problems.append((named, said) if said else (None, reason))
    first = problems[0][0] if problems else None
    message = "; ".join(f"{field}: {reason}" if field else reason for field, reason in problems)
    return InvalidMailbox(first, message.removeprefix(f"{first}: ") if first else message)


def _parse_create(data: MailboxCreate | Mapping[str, Any]) -> MailboxCreate:
    if isinstance(data, MailboxCreate):
        return data
    try:
        return MailboxCreate.model_validate(dict(data))
    except ValidationError as exc:
        raise invalid_mailbox(exc) from None


def _parse_update(data: MailboxUpdate | Mapping[str, Any]) -> MailboxUpdate:
    if isinstance(data, MailboxUpdate):
        return data
    try:
        return MailboxUpdate.model_validate(dict(data))
    except ValidationError as exc:
        raise invalid_mailbox(exc) from None


def _same_name(db: Session, name: str) -> MailboxDB | None:
    """The mailbox whose name equals this one ignoring case: "Sales" next to "sales" would only confuse."""
    return db.scalars(select(MailboxDB).where(func.lower(MailboxDB.name) == name.lower()).limit(1)).first()


def create_mailbox(db: Session, data: MailboxCreate | Mapping[str, Any], *, now: datetime | None = None) -> MailboxDB:
    """Store a new mailbox; its warm-up, if any, starts now. InvalidMailbox names the field at fault."""
    spec = _parse_create(data)
    existing = _same_name(db, spec.name)
    if existing is not None:
        raise DuplicateMailbox(spec.name, existing.name)
    row = MailboxDB(name=spec.name, smtp_port=spec.port, **{column: getattr(spec, column) for column in _COLUMNS})
    if spec.warmup_start is not None:
        row.warmup_started_at = now or utcnow()
    db.add(row)
    db.flush()
    return row


def get_mailbox(db: Session, name: str) -> MailboxDB:
    row = db.scalars(select(MailboxDB).where(MailboxDB.name == name)).first()
    if row is None:
        raise MailboxNotFound(name)
    return row


def list_mailboxes(db: Session) -> list[MailboxDB]:
    """Every mailbox, enabled or not, in the order they were added."""
    return list(db.scalars(select(MailboxDB).order_by(MailboxDB.id)))


def update_mailbox(db: Session, name: str, data: MailboxUpdate | Mapping[str, Any], *,
                   now: datetime | None = None) -> MailboxDB:
    """Change the fields given; the result must still be a whole mailbox (warm-up and DKIM all or nothing).

    A new security without a port moves the port along when it was the old security's usual one (587 -> 465),
    for SMTP and IMAP alike. An IMAP server without a port gets the usual one; removing it removes its port.
    A warm-up given to a mailbox that had none starts now; removing it removes its start time.
    """
    changes = _parse_update(data).changes()
    row = get_mailbox(db, name)
    current = {column: getattr(row, column) for column in (*_COLUMNS, "smtp_port")}
    if ("smtp_security" in changes and "smtp_port" not in changes
            and row.smtp_port == DEFAULT_PORTS[row.smtp_security]):
        changes["smtp_port"] = DEFAULT_PORTS[changes["smtp_security"]]
    _imap_port(row, changes)
    merged = current | changes
    problem = consistency_problem(merged)
    if problem is not None:
        raise InvalidMailbox(*problem)
    if merged["warmup_start"] is None:
        row.warmup_started_at = None
    elif current["warmup_start"] is None:
        row.warmup_started_at = now or utcnow()
    for column, value in changes.items():
        setattr(row, column, value)
    db.flush()
    return row


def _imap_port(row: MailboxDB, changes: dict[str, Any]) -> None:
    """Fill in or remove the IMAP port the changes imply, unless they give one."""
    if "imap_port" in changes:
        return
    host = changes.get("imap_host", row.imap_host)
    security = changes.get("imap_security") or row.imap_security
    usual = row.imap_port is None or row.imap_port == DEFAULT_IMAP_PORTS[row.imap_security]
    if host is None:
        if "imap_host" in changes:
            changes["imap_port"] = None
    elif row.imap_port is None or ("imap_security" in changes and usual):
        changes["imap_port"] = DEFAULT_IMAP_PORTS[security]


def pause_mailbox(db: Session, name: str, reason: str | None, now: datetime) -> MailboxDB:
    """Stop sending from it until resumed. Pausing a paused mailbox keeps its pause time and may change the reason."""
    row = get_mailbox(db, name)
    reason = reason.strip() if reason and reason.strip() else None
    if row.paused_at is None:
        row.paused_at, row.paused_reason = now, reason
    elif reason is not None:
        row.paused_reason = reason
    db.flush()
    return row


def resume_mailbox(db: Session, name: str, now: datetime | None = None) -> MailboxDB:
    """Send from it again (a no-op if it was not paused). `now` is taken for symmetry with pause; none is stored."""
    del now
    row = get_mailbox(db, name)
    row.paused_at, row.paused_reason = None, None
    db.flush()
    return row


def delete_mailbox(db: Session, name: str) -> None:
    """Remove it; its past attempts and events stay, no longer linked to a mailbox."""
    db.delete(get_mailbox(db, name))
    db.flush()


def mailbox_health(db: Session, name: str, window: timedelta = timedelta(days=1), *,
                   now: datetime | None = None) -> MailboxHealth:
    """Sent since midnight UTC (what the daily cap counts) and the hard-bounce and complaint rates over the window."""
    row = get_mailbox(db, name)
    now = now or utcnow()
    since = now - window
    return MailboxHealth(
        name=row.name, enabled=row.enabled, paused_at=row.paused_at, paused_reason=row.paused_reason,
        daily_cap=row.daily_cap, cap_today=cap_today(row, now), sent_today=sent_today(db, row.id, now),
        window_hours=window / timedelta(hours=1),
        hard_bounce_rate=event_rate(db, row.id, (EventKind.HARD_BOUNCE,), since=since),
        complaint_rate=event_rate(db, row.id, (EventKind.COMPLAINT,), since=since),
    )
