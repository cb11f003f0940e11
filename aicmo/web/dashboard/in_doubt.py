"""Messages in doubt on one page: each may have gone out (no answer came once the server had it all, or the
worker stopped mid-send), so nothing sends it again until the operator says delivered, resend or drop."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from aicmo import operator_services as ops
from aicmo.web.dashboard.render import back_to, flash, page
from aicmo.web.dashboard.session import CsrfDep, DbDep, KeyDep

router = APIRouter()
SHOWN = 200
SAID = {ops.Settlement.DELIVERED: "counted as sent", ops.Settlement.RESEND: "queued to be sent again",
        ops.Settlement.DROP: "dropped"}


@router.get("/in-doubt", response_class=HTMLResponse)
def in_doubt_list(request: Request, db: DbDep, key: KeyDep) -> HTMLResponse:
    """Show the messages in doubt, newest first, each with its lead and why it is in doubt."""
    messages = ops.list_messages_in_doubt(db, limit=SHOWN)
    leads = {lead_id: ops.get_lead(db, lead_id) for lead_id in {message.lead_id for message in messages}}
    return page(request, "in_doubt.html", messages=messages, leads=leads, decisions=list(ops.Settlement))


@router.post("/in-doubt/{message_id}", dependencies=[CsrfDep])
def settle(request: Request, db: DbDep, key: KeyDep, message_id: str,
           decision: Annotated[ops.Settlement, Form()]) -> Response:
    """Settle one message in doubt as delivered, resend or drop."""
    try:
        message = ops.settle_message(db, message_id, decision)
    except ops.MessageStateError as exc:
        db.rollback()
        flash(request, str(exc), "error")
    else:
        flash(request, f"Message to lead {message.lead_id} {SAID[decision]}.")
    return back_to(request, "/in-doubt")
