"""API keys, and the dashboard's sign-in with one: failed attempts rate-limited per client."""

from datetime import timedelta

from sqlalchemy.orm import Session

from aicmo.cam.auth import service as api_keys
from aicmo.cam.auth import sessions
from aicmo.cam.auth.service import ApiKeyError, ApiKeyRead, NewKey


def create_api_key(db: Session, name: str) -> NewKey:
    """A new API key; its secret is in the result and nowhere else."""
    created = api_keys.create(db, name)
    db.commit()
    return created


def list_api_keys(db: Session) -> list[ApiKeyRead]:
    return api_keys.get_all(db)


def revoke_api_key(db: Session, name: str) -> ApiKeyRead:
    revoked = api_keys.revoke(db, name)
    db.commit()
    return revoked


class LoginBlocked(ApiKeyError):
    """Too many failed logins from this client lately: it must wait before trying again."""


def log_in(db: Session, secret: str | None, client: str) -> ApiKeyRead | None:
    """The live key this secret is, else None with the failure noted; LoginBlocked while the client must wait."""
    if api_keys.login_blocked(db, client):
        raise LoginBlocked("too many failed logins from this address; try again later")
    key = api_keys.authenticate(db, secret)
    if key is None:
        api_keys.note_login_failure(db, client)
    db.commit()
    return key


def get_live_api_key(db: Session, key_id: int) -> ApiKeyRead | None:
    """The key with this id, unless it was revoked or deleted."""
    # A handful of keys at most: reading them all is cheaper than another query path to maintain.
    return next((key for key in api_keys.get_all(db) if key.id == key_id and key.revoked_at is None), None)


def authenticate_api_key(db: Session, secret: str | None) -> ApiKeyRead | None:
    """The live API key this secret is, else None; its last use is noted every few minutes, not on every call."""
    key = api_keys.authenticate(db, secret)
    if db.dirty:
        db.commit()
    return key


def open_dashboard_session(db: Session, key_id: int, lasts: timedelta) -> str:
    """A dashboard session for the key; the token its cookie carries."""
    token = sessions.start(db, key_id, lasts)
    db.commit()
    return token


def get_session_api_key(db: Session, token: str) -> ApiKeyRead | None:
    """The live key of a live session, else None (logged out, expired, or its key revoked)."""
    key_id = sessions.live_key_id(db, token)
    return None if key_id is None else get_live_api_key(db, key_id)


def close_dashboard_session(db: Session, token: str) -> None:
    """End the session everywhere its cookie went."""
    sessions.end(db, token)
    db.commit()
