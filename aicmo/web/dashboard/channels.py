"""Settings: each channel's rate limits and retry policy, editable, and the campaigns' send windows."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from aicmo import operator_services as ops
from aicmo.web.dashboard.render import back_to, flash, page
from aicmo.web.dashboard.session import CsrfDep, DbDep, KeyDep

router = APIRouter()
# (field, label, unit): blank removes a cap; the retry fields always need a value.
FIELDS = (("hourly_cap", "Per hour", "messages"), ("daily_cap", "Per day", "messages"),
          ("weekly_cap", "Per week", "messages"), ("domain_daily_cap", "Per company domain per day", "messages"),
          ("min_lead_gap_hours", "Gap between two touches of a lead", "hours"),
          ("retry_base_seconds", "First retry after", "seconds"),
          ("retry_cap_seconds", "Longest retry wait", "seconds"),
          ("max_retries", "Retries", "times"))


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, db: DbDep, key: KeyDep) -> HTMLResponse:
    """Show the rate limits per channel (and for all channels together) and each campaign's send window."""
    return page(request, "settings.html", configs=ops.list_channel_configs(db), fields=FIELDS,
                campaigns=ops.list_campaigns(db))


async def _form(request: Request) -> FormData:
    return await request.form()


@router.post("/settings/{scope}", dependencies=[CsrfDep])
def update(request: Request, db: DbDep, key: KeyDep, scope: str,
           form: Annotated[FormData, Depends(_form)]) -> Response:
    """Change one channel's limits; a blank cap means no cap."""
    changes: dict[str, object] = {name: str(form.get(name, "")).strip() or None for name, _, _ in FIELDS}
    changes["enabled"] = form.get("enabled") == "on"
    try:
        ops.update_channel_config(db, scope, changes)
    except ops.InvalidChannelConfig as exc:
        db.rollback()
        flash(request, f"{scope}: {exc}", "error")
    else:
        flash(request, f"Limits for {scope} saved.")
    return back_to(request, "/settings")
