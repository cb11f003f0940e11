"""Who is logged in: a signed session cookie holding the API key's id, and a per-session CSRF token."""

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from aicmo import operator_services as ops
from aicmo.cam.auth.service import ApiKeyRead
from aicmo.settings import DEFAULT_SECRET_KEY, Settings

COOKIE = "aicmo_session"
SESSION_HOURS = 12  # a working day: a forgotten laptop does not stay logged in for weeks


def cookie_key(settings: Settings) -> str:
    """The key session cookies are signed with: derived from the secret key, random when that is the default."""
    if settings.secret_key == DEFAULT_SECRET_KEY:
        # Anyone can read the default in the source, so a cookie signed with it could be forged; sessions then last
        # only as long as the process does.
        return secrets.token_urlsafe(32)
    # Its own key: nothing else signed with the secret key (unsubscribe tokens, webhooks) can pass for a cookie.
    return hmac.new(settings.secret_key.encode(), b"aicmo dashboard session", hashlib.sha256).hexdigest()


class SessionCookies:
    """Starlette's signed session cookie: HttpOnly, SameSite=Lax, and Secure when the request came over https."""

    def __init__(self, app: ASGIApp, secret_key: str, path: str) -> None:
        common = {"secret_key": secret_key, "session_cookie": COOKIE, "path": path, "same_site": "lax",
                  "max_age": SESSION_HOURS * 3600}
        self.plain = SessionMiddleware(app, https_only=False, **common)  # type: ignore[arg-type]
        self.secure = SessionMiddleware(app, https_only=True, **common)  # type: ignore[arg-type]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        middleware = self.secure if scope.get("scheme") in ("https", "wss") else self.plain
        await middleware(scope, receive, send)


class LoginRequired(Exception):
    """The request has no live session: the answer is the login page."""


def sessions_of(request: Request) -> sessionmaker[Session]:
    """The database sessions of the app the dashboard is mounted in."""
    sessions: sessionmaker[Session] = request.app.state.host.state.sessions
    return sessions


def get_db(request: Request) -> Iterator[Session]:
    with sessions_of(request)() as db:
        yield db


DbDep = Annotated[Session, Depends(get_db)]


def current_key(request: Request, db: DbDep) -> ApiKeyRead:
    """The logged-in API key; no session, one that ended (logged out, expired) or a key revoked since, leads to the
    login page."""
    token = request.session.get("sid")
    key = ops.get_session_api_key(db, token) if isinstance(token, str) else None
    if key is None:
        request.session.clear()
        raise LoginRequired
    return key


def start_session(request: Request, db: Session, key: ApiKeyRead) -> None:
    """A fresh session for this key: nothing from before the login (a planted token) carries over."""
    request.session.clear()
    request.session["sid"] = ops.open_dashboard_session(db, key.id, timedelta(hours=SESSION_HOURS))
    request.session["csrf"] = secrets.token_urlsafe(32)


def end_session(request: Request, db: Session) -> None:
    """Log out here and wherever this session's cookie was copied."""
    token = request.session.get("sid")
    if isinstance(token, str):
        ops.close_dashboard_session(db, token)
    request.session.clear()


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """Refuse a form that does not carry this session's token: another site may have sent it."""
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(), csrf_token.encode()):
        raise HTTPException(403, "This form has expired or did not come from this dashboard. Reload the page and "
                                 "try again.")


KeyDep = Annotated[ApiKeyRead, Depends(current_key)]
CsrfDep = Depends(check_csrf)
