"""Pages from the templates next to this file, every value HTML-escaped, with what every page shows."""

from datetime import datetime
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from aicmo.web.dashboard.session import csrf_token

NAV = (("", "Overview"), ("/leads", "Leads"), ("/campaigns", "Campaigns"), ("/mailboxes", "Mailboxes"),
       ("/tasks", "Tasks"), ("/in-doubt", "In doubt"), ("/settings", "Settings"))


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") + (" UTC" if value.utcoffset() is not None else "") if value else "–"


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def _http_only(url: str | None) -> str:
    """A link target only if it is http(s): a stored `javascript:` URL must not become a clickable link."""
    return url if url and url.lower().startswith(("https://", "http://")) else "#"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("aicmo.web.dashboard", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = _when
    env.filters["percent"] = _percent
    env.filters["http_only"] = _http_only
    return env


def base_path(request: Request) -> str:
    """Where the dashboard is mounted (/app, behind any proxy prefix)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def flash(request: Request, text: str, kind: str = "ok") -> None:
    """Show `text` on the next page rendered (after a redirect)."""
    request.session["flash"] = [*request.session.get("flash", []), {"kind": kind, "text": text}]


def page(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """The template filled in with `context` and what the layout needs: links, the CSRF token, pending messages."""
    flashes = request.session.pop("flash", []) if "flash" in request.session else []
    html = environment().get_template(template).render(
        base=base_path(request), nav=NAV, current=request.url.path.removeprefix(base_path(request)).rstrip("/"),
        csrf=csrf_token(request), flashes=flashes, logged_in="sid" in request.session, **context)
    return HTMLResponse(html, status_code=status)


def back_to(request: Request, path: str) -> RedirectResponse:
    """After a form: see the page it changed (303 makes the browser GET it)."""
    return RedirectResponse(base_path(request) + path, status_code=303)
