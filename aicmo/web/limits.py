"""Request bodies bounded in size, and the caller known, before a body is read.

A body larger than its route allows is refused with 413 from its Content-Length, or as soon as the bytes streamed
in pass the limit. A body for /api is read only after the API key is checked, and a dashboard upload only after
the session is: an anonymous caller cannot make the server read (and hold) megabytes for a 401.
"""

from collections.abc import Callable

from anyio import to_thread
from fastapi import HTTPException
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aicmo import operator_services as ops
from aicmo.settings import Settings
from aicmo.web.problems import problem

UPLOAD_SUFFIX = "/import"  # /api/leads/import, /api/suppressions/import, /app/leads/import, ...


def body_limit(path: str, settings: Settings) -> int:
    """How many bytes a request to `path` may carry."""
    if path.startswith("/webhooks/"):
        return settings.max_webhook_bytes
    if path.endswith(UPLOAD_SUFFIX):
        return settings.max_upload_bytes
    return settings.max_request_bytes


def _has_body(headers: Headers) -> bool:
    return "transfer-encoding" in headers or headers.get("content-length", "0") not in ("", "0")


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the request body is larger than {limit} bytes")


def counted(receive: Receive, limit: int) -> Receive:
    """`receive`, refusing with 413 once the body streamed in passes `limit` bytes."""
    seen = 0

    async def receive_counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _too_large(limit)
        return message

    return receive_counted


class RequestLimits:
    """The host app's outermost check: /api keys and body sizes, before the route reads anything."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not _has_body(headers):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = body_limit(path, self.settings)
        if path.startswith("/api/") and not await _key_is_live(scope, headers):
            await problem(401, "Unauthorized", "a valid API key is needed: Authorization: Bearer KEY")(
                scope, receive, send)
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            response = problem(413, "Payload too large", str(_too_large(limit).detail))
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        await self.app(scope, counted(receive, limit), send)


async def _key_is_live(scope: Scope, headers: Headers) -> bool:
    scheme, _, secret = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return False
    sessions: sessionmaker[Session] = scope["app"].state.sessions

    def authenticate() -> bool:
        with sessions() as db:
            return ops.authenticate_api_key(db, secret.strip()) is not None

    return await to_thread.run_sync(authenticate)


class UploadsNeedSession:
    """Inside the dashboard's session cookies: an upload from no live session goes to the login page unread."""

    def __init__(self, app: ASGIApp, sessions: Callable[[], sessionmaker[Session]]) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].endswith(UPLOAD_SUFFIX) and scope["method"] == "POST":
            token = scope.get("session", {}).get("sid")
            if not isinstance(token, str) or not await to_thread.run_sync(self._live, token):
                login = scope.get("root_path", "") + "/login"
                await RedirectResponse(login, status_code=303, headers={"Connection": "close"})(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _live(self, token: str) -> bool:
        with self.sessions()() as db:
            return ops.get_session_api_key(db, token) is not None


