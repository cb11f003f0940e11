"""What the email channel reads from the database: its mailboxes, and what was learnt about messages it sent."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from aicmo.cam.outreach.attempts import event_rate, mailbox_id
from aicmo.cam.outreach.domain import EventKind
from aicmo.cam.outreach.email.mailbox import DkimSettings, Mailbox
from aicmo.cam.outreach.models import DeliveryEventDB, MailboxDB, OutreachAttemptDB
from aicmo.db.secrets import unreadable
from aicmo.errors import AicmoError

SECRET_COLUMNS = ("smtp_password", "imap_password", "dkim_private_key")


class MailboxSecretUnreadable(AicmoError):
    def __init__(self, name: str, columns: list[str]) -> None:
        super().__init__(
            f"mailbox {name!r}: its {', '.join(columns)} cannot be decrypted with AICMO_SECRET_KEY; if the secret "
            "key was changed, set AICMO_PREVIOUS_SECRET_KEY to the old one (then run `aicmo mailboxes "
            "rotate-secrets`), or store the secret again with `aicmo mailboxes set`")
        self.name = name
        self.columns = columns


def unreadable_secrets(row: MailboxDB) -> list[str]:
    """The secret columns of the row no configured key decrypts."""
    return [column for column in SECRET_COLUMNS if unreadable(getattr(row, column))]


def mailbox_from_row(row: MailboxDB) -> Mailbox:
    """The mailbox as the channel sends from it; MailboxSecretUnreadable if a secret cannot be decrypted."""
    if columns := unreadable_secrets(row):
        raise MailboxSecretUnreadable(row.name, columns)
    dkim = None
    if row.dkim_domain and row.dkim_selector and row.dkim_private_key:
        dkim = DkimSettings(row.dkim_domain, row.dkim_selector, row.dkim_private_key)
    return Mailbox(
        name=row.name, from_address=row.from_address, from_name=row.from_name, reply_to=row.reply_to,
        smtp_host=row.smtp_host, smtp_port=row.smtp_port, smtp_security=row.smtp_security,
        smtp_username=row.smtp_username, smtp_password=row.smtp_password, signature_text=row.signature_text,
        signature_html=row.signature_html, daily_cap=row.daily_cap, dkim=dkim, enabled=row.enabled,
        paused_at=row.paused_at,
    )


def load_mailboxes(db: Session) -> list[Mailbox]:
    """Every stored mailbox, enabled or not, in a stable order."""
    return [mailbox_from_row(row) for row in db.scalars(select(MailboxDB).order_by(MailboxDB.id))]


@dataclass(frozen=True)
class LatestEvent:
    kind: EventKind
    detail: str | None
    mailbox: str | None
    target: str | None
    response_code: int | None


def latest_event(db: Session, provider_message_id: str) -> LatestEvent | None:
    """The newest event about the message sent with this Message-ID: its attempt's own, or its message's."""
    attempt = db.scalars(select(OutreachAttemptDB).where(OutreachAttemptDB.provider_message_id == provider_message_id)
                         .order_by(OutreachAttemptDB.id.desc()).limit(1)).first()
    if attempt is None:
        return None
    about = [DeliveryEventDB.attempt_id == attempt.id]
    if attempt.message_id is not None:  # learnt later (a DSN, a reply) and filed against the message
        about.append(and_(DeliveryEventDB.attempt_id.is_(None), DeliveryEventDB.message_id == attempt.message_id))
    event = db.scalars(select(DeliveryEventDB).where(or_(*about))
                       .order_by(DeliveryEventDB.occurred_at.desc(), DeliveryEventDB.id.desc()).limit(1)).first()
    if event is None:
        return None
    mailbox = db.get(MailboxDB, attempt.mailbox_id) if attempt.mailbox_id is not None else None
    return LatestEvent(event.kind, event.detail, mailbox.name if mailbox else None, attempt.target,
                       attempt.response_code)


def mailbox_event_rate(db: Session, mailbox: str, kinds: tuple[EventKind, ...], window: timedelta) -> float:
    """Events of these kinds per email attempt of the named mailbox over the window; 0.0 for an unknown one."""
    found = mailbox_id(db, mailbox)
    return 0.0 if found is None else event_rate(db, found, kinds, window=window)
