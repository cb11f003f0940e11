"""The dashboard app, mounted under /app by aicmo.web.app: its session cookie, static files and error pages."""

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from aicmo.errors import AicmoError
from aicmo.settings import Settings
from aicmo.web.dashboard import (
    auth,
    campaign_form,
    campaigns,
    channels,
    downloads,
    in_doubt,
    leads,
    mailboxes,
    overview,
    tasks,
)
from aicmo.web.dashboard.imports import ImportJobs
from aicmo.web.dashboard.render import base_path, page
from aicmo.web.dashboard.session import LoginRequired, SessionCookies, cookie_key
from aicmo.web.dashboard.snapshots import Snapshots
from aicmo.web.limits import UploadsNeedSession
from aicmo.web.problems import status_of

STATIC = Path(__file__).resolve().parent.parent / "static"


def create_dashboard(host: FastAPI, settings: Settings, prefix: str = "/app") -> FastAPI:
    """The dashboard, to mount at `prefix` of `host`, whose database sessions it uses."""
    dashboard = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    dashboard.state.host = host
    dashboard.state.settings = settings
    dashboard.state.imports = ImportJobs()
    dashboard.state.snapshots = Snapshots(settings.dashboard_cache_seconds)
    dashboard.add_middleware(UploadsNeedSession, sessions=lambda: host.state.sessions)  # inside the cookies
    dashboard.add_middleware(SessionCookies, secret_key=cookie_key(settings), path=prefix)
    dashboard.mount("/static", StaticFiles(directory=STATIC), name="static")
    # The CSV downloads first: /leads/grades.csv is not a lead's page; the campaign form before /campaigns/{id}.
    for module in (auth, downloads, overview, leads, campaign_form, campaigns, mailboxes, tasks, in_doubt, channels):
        dashboard.include_router(module.router)

    @dashboard.middleware("http")
    async def fresh_after_changes(request: Request, call_next: Any) -> Response:
        # What the operator just did on the dashboard shows on the next page, not a minute later.
        if request.method not in ("GET", "HEAD"):
            dashboard.state.snapshots.clear()
        response: Response = await call_next(request)
        return response

    @dashboard.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(base_path(request) + "/login", status_code=303)

    @dashboard.exception_handler(AicmoError)
    async def domain_error(request: Request, exc: AicmoError) -> HTMLResponse:
        return page(request, "error.html", status=status_of(exc), title=type(exc).__name__, message=str(exc))

    @dashboard.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> HTMLResponse:
        where = {str(part) for error in exc.errors() for part in error.get("loc", ())[:1]}
        # A malformed id in the address is a page that does not exist; a malformed form field is the user's input.
        status, title = (404, "Not found") if "path" in where else (422, "Invalid input")
        return page(request, "error.html", status=status, title=title,
                    message="; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in exc.errors()))

    @dashboard.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        message = str(exc.detail) if exc.status_code < 500 else "Something went wrong on the server."
        return page(request, "error.html", status=exc.status_code, title=f"Error {exc.status_code}",
                    message=message)

    return dashboard
