"""Logging in with an API key pasted into a form, and out again."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aicmo import operator_services as ops
from aicmo.web.dashboard.render import back_to, base_path, page
from aicmo.web.dashboard.session import CsrfDep, DbDep, end_session, start_session

router = APIRouter()


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    """Show the login form."""
    return page(request, "login.html", error=None)


@router.post("/login", response_class=HTMLResponse, dependencies=[CsrfDep])
def log_in(request: Request, db: DbDep, api_key: Annotated[str, Form()] = "") -> Response:
    """Start a session for a live API key; too many failures from one address and it must wait (429)."""
    try:
        key = ops.log_in(db, api_key.strip(), _client(request))
    except ops.LoginBlocked as blocked:
        return page(request, "login.html", status=429, error=str(blocked))
    if key is None:
        return page(request, "login.html", status=401, error="That API key is wrong or was revoked.")
    start_session(request, db, key)
    return RedirectResponse(base_path(request) + "/", status_code=303)


@router.post("/logout", dependencies=[CsrfDep])
def log_out(request: Request, db: DbDep) -> Response:
    """End the session, here and wherever its cookie was copied."""
    end_session(request, db)
    return back_to(request, "/login")
