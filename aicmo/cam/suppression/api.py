"""The unsubscribe link of every email: a page with a button, and RFC 8058 one-click POSTs from mail providers.

No sign-in: the signed token in the URL is the only credential. A GET never changes anything (link scanners
and previews follow links); only a POST unsubscribes.
"""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.service import find_current
from aicmo.cam.outreach.unsubscribe import verify_token
from aicmo.cam.suppression.schemas import masked
from aicmo.settings import Settings
from aicmo.web.deps import SessionDep, SettingsDep
from aicmo.web.pages import render

router = APIRouter(tags=["unsubscribe"])

# The field and value of the page's own button; RFC 8058's one-click body is "List-Unsubscribe=One-Click".
BUTTON_FIELD, BUTTON_VALUE = "confirm", "unsubscribe"
ONE_CLICK_FIELD, ONE_CLICK_VALUE = "List-Unsubscribe", "One-Click"
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the token must not leak to wherever the reader goes next
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'",
}


def _page(template: str, status_code: int = 200, **context: str) -> HTMLResponse:
    return HTMLResponse(render(template, **context), status_code=status_code, headers=HEADERS)


def _not_found() -> HTMLResponse:
    return _page("not_found.html", 404)


def _target(db: Session, token: str, settings: Settings) -> tuple[str, LeadDB] | None:
    """The message and the lead a genuine token names, if the lead still exists (or was merged into another). A link
    signed with the previous secret key still works: it went out in an email before the key changed."""
    keys = [settings.secret_key, *([settings.previous_secret_key] if settings.previous_secret_key else [])]
    verified = next((found for key in keys if (found := verify_token(token, key)) is not None), None)
    if verified is None:
        return None
    message_id, lead_id = verified
    lead = find_current(db, lead_id)
    return None if lead is None else (message_id, lead)


def _shown(lead: LeadDB) -> str:
    return masked(lead.email) if lead.email else "your address"


@router.get("/u/{token}", response_class=HTMLResponse)
def unsubscribe_page(token: str, db: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """Show which address the link unsubscribes and a button to confirm; changes nothing."""
    target = _target(db, token, settings)
    if target is None:
        return _not_found()
    return _page("unsubscribe.html", address=_shown(target[1]), field=BUTTON_FIELD, field_value=BUTTON_VALUE)


@router.post("/u/{token}", response_class=HTMLResponse)
def unsubscribe(token: str, db: SessionDep, settings: SettingsDep,
                one_click: Annotated[str | None, Form(alias=ONE_CLICK_FIELD)] = None,
                confirm: Annotated[str | None, Form(alias=BUTTON_FIELD)] = None) -> Response:
    """Unsubscribe the lead the token names: RFC 8058 one-click, or the page's button. Repeating it is harmless."""
    target = _target(db, token, settings)
    if target is None:
        return _not_found()
    is_one_click = one_click == ONE_CLICK_VALUE
    if not is_one_click and confirm != BUTTON_VALUE:
        return _page("bad_request.html", 400)
    message_id, lead = target
    ops.unsubscribe_by_link(db, lead_id=lead.id, message_id=message_id,
                            source="one-click (RFC 8058)" if is_one_click else "unsubscribe page")
    if is_one_click:
        return PlainTextResponse("Unsubscribed.\n", headers=HEADERS)
    return _page("unsubscribed.html", address=_shown(lead))
