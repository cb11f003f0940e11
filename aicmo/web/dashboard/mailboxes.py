"""Sender mailboxes with the deliverability guard's figures, and the alerts to acknowledge."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from aicmo import operator_services as ops
from aicmo.web.dashboard.charts import mailbox_charts
from aicmo.web.dashboard.render import back_to, flash, page
from aicmo.web.dashboard.session import CsrfDep, DbDep, KeyDep

router = APIRouter()
DAYS = 30


@router.get("/mailboxes", response_class=HTMLResponse)
def mailbox_list(request: Request, db: DbDep, key: KeyDep) -> HTMLResponse:
    """Show every mailbox's state, sends today, bounce and complaint rates now and per day against the guard's
    thresholds, and the open alerts."""
    charts = {daily.name: (daily, *mailbox_charts(daily)) for daily in ops.get_mailbox_daily(db, days=DAYS)}
    return page(request, "mailboxes.html", mailboxes=ops.mailbox_status(db), alerts=ops.list_alerts(db),
                charts=charts, days=DAYS)


@router.post("/mailboxes/{name}/resume", dependencies=[CsrfDep])
def resume(request: Request, db: DbDep, key: KeyDep, name: str) -> Response:
    """Send from a paused mailbox again."""
    ops.resume_mailbox(db, name)
    flash(request, f"Mailbox {name} resumed.")
    return back_to(request, "/mailboxes")


@router.post("/alerts/{alert_id}/acknowledge", dependencies=[CsrfDep])
def acknowledge(request: Request, db: DbDep, key: KeyDep, alert_id: int) -> Response:
    """Mark an alert seen: it leaves the lists of open alerts."""
    if ops.acknowledge_alert(db, alert_id):
        flash(request, "Alert acknowledged.")
    else:
        flash(request, f"No alert {alert_id}.", "error")
    return back_to(request, "/mailboxes")
