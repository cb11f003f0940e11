"""Sealing every stored mailbox secret again with the current key, after AICMO_SECRET_KEY was changed."""

from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from sqlalchemy import Text, select, type_coerce, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import Label

from aicmo.cam.outreach.email.store import SECRET_COLUMNS
from aicmo.cam.outreach.models import MailboxDB
from aicmo.db.secrets import open_secret, seal, sealed_with_current_key
from aicmo.settings import Settings


@dataclass
class RotationReport:
    sealed: int = 0  # values written again with the current key (or encrypted for the first time)
    current: int = 0  # values already sealed with the current key, left as they are
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (mailbox, column) no configured key opens


def _stored(column: str) -> Label[str]:
    """The column as stored, bypassing its decryption."""
    return type_coerce(getattr(MailboxDB, column), Text).label(column)


def rotate_secrets(db: Session, settings: Settings) -> RotationReport:
    """Seal every stored secret with the current key; running it again changes nothing. Never commits."""
    report = RotationReport()
    rows = db.execute(select(MailboxDB.id, MailboxDB.name, *(_stored(c) for c in SECRET_COLUMNS))
                      .order_by(MailboxDB.id)).mappings().all()
    for row in rows:
        changes: dict[str, object] = {}
        for column in SECRET_COLUMNS:
            stored = row[column]
            if stored is None:
                continue
            if sealed_with_current_key(stored, settings):
                report.current += 1
                continue
            try:
                changes[column] = type_coerce(seal(open_secret(stored, settings), settings), Text)
            except InvalidToken:
                report.unreadable.append((row["name"], column))
        if changes:
            db.execute(update(MailboxDB).where(MailboxDB.id == row["id"]).values(changes)
                       .execution_options(synchronize_session=False))
            report.sealed += len(changes)
    return report
