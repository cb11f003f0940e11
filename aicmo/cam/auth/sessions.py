"""Dashboard sessions kept on the server: a cookie is worth something only while its session is live."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from aicmo.cam.auth.models import ApiKeyDB, DashboardSessionDB
from aicmo.db.base import utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(db: Session, api_key_id: int, lasts: timedelta, now: datetime | None = None) -> str:
    """A new session for the key; the token to put in the cookie (it is stored only as a hash)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.add(DashboardSessionDB(token_hash=_hash(token), api_key_id=api_key_id, created_at=now, expires_at=now + lasts))
    # Sessions that ended or expired a while ago are of no use to anyone.
    db.execute(delete(DashboardSessionDB).where(DashboardSessionDB.expires_at < now - timedelta(days=30)))
    return token


def live_key_id(db: Session, token: str, now: datetime | None = None) -> int | None:
    """The id of the live API key whose session this token is, while the session has not ended or expired."""
    now = now or utcnow()
    return db.scalar(select(DashboardSessionDB.api_key_id)
                     .join(ApiKeyDB, ApiKeyDB.id == DashboardSessionDB.api_key_id)
                     .where(DashboardSessionDB.token_hash == _hash(token), DashboardSessionDB.ended_at.is_(None),
                            DashboardSessionDB.expires_at > now, ApiKeyDB.revoked_at.is_(None)))


def end(db: Session, token: str, now: datetime | None = None) -> bool:
    """End the session (wherever its cookie was copied to); False if it was not live."""
    ended = db.execute(update(DashboardSessionDB).where(DashboardSessionDB.token_hash == _hash(token),
                                                        DashboardSessionDB.ended_at.is_(None))
                       .values(ended_at=now or utcnow()))
    return bool(getattr(ended, "rowcount", 0))
