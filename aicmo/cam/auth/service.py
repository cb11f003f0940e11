"""API keys: created with a name, shown once, stored as a SHA-256; checked on every request; revocable."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aicmo.cam.auth.models import ApiKeyDB, LoginFailureDB
from aicmo.db.base import utcnow
from aicmo.errors import AicmoError

KEY_PREFIX = "aicmo_"
SHOWN_PREFIX = 12  # characters of a key shown in lists: enough to tell keys apart, useless to an attacker
# Dashboard logins: this many failures from one client within the window, and it must wait.
MAX_FAILURES, FAILURE_WINDOW = 5, timedelta(minutes=15)
# A key's last use is written at most this often: a busy API must not write on every request.
LAST_USED_EVERY = timedelta(minutes=1)


class ApiKeyError(AicmoError):
    pass


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewKey:
    key: ApiKeyRead
    secret: str  # the whole key: shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create(db: Session, name: str, now: datetime | None = None) -> NewKey:
    """A new key named `name`; the returned secret is the only time the key is seen. Never commits."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ApiKeyError("an API key needs a name of 1 to 100 characters")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKeyDB(name=name, prefix=secret[:SHOWN_PREFIX], key_hash=_hash(secret), created_at=now or utcnow())
    try:
        with db.begin_nested():  # a clash rolls back only this insert, not the caller's work
            db.add(row)
            db.flush()
    except IntegrityError:
        raise ApiKeyError(f"an API key named {name!r} exists already") from None
    return NewKey(ApiKeyRead.model_validate(row), secret)


def get_all(db: Session) -> list[ApiKeyRead]:
    return [ApiKeyRead.model_validate(row) for row in db.scalars(select(ApiKeyDB).order_by(ApiKeyDB.id))]


def revoke(db: Session, name: str, now: datetime | None = None) -> ApiKeyRead:
    """Refuse the key from now on. Never commits."""
    row = db.scalar(select(ApiKeyDB).where(ApiKeyDB.name == name))
    if row is None:
        raise ApiKeyError(f"no API key named {name!r}")
    row.revoked_at = row.revoked_at or now or utcnow()
    return ApiKeyRead.model_validate(row)


def authenticate(db: Session, secret: str | None, now: datetime | None = None) -> ApiKeyRead | None:
    """The live key this secret is, else None; notes its use. Never commits."""
    if not secret or not secret.startswith(KEY_PREFIX):
        return None
    digest = _hash(secret)
    row = db.scalar(select(ApiKeyDB).where(ApiKeyDB.key_hash == digest))
    # The lookup is by hash; the comparison below keeps the check constant-time all the same.
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.key_hash, digest):
        return None
    now = now or utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_EVERY:
        row.last_used_at = now
    return ApiKeyRead.model_validate(row)


def login_blocked(db: Session, client: str, now: datetime | None = None) -> bool:
    """Whether this client failed to log in too often lately."""
    since = (now or utcnow()) - FAILURE_WINDOW
    failures = db.scalar(select(func.count()).select_from(LoginFailureDB).where(
        LoginFailureDB.client == client, LoginFailureDB.failed_at >= since)) or 0
    return failures >= MAX_FAILURES


def note_login_failure(db: Session, client: str, now: datetime | None = None) -> None:
    """Record a failed login, and forget failures too old to matter. Never commits."""
    now = now or utcnow()
    db.execute(delete(LoginFailureDB).where(LoginFailureDB.failed_at < now - FAILURE_WINDOW))
    db.add(LoginFailureDB(client=client, failed_at=now))
