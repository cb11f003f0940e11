"""Settings: each channel's rate limits, retry policy and costs, editable, and the campaigns' send windows."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from aicmo import operator_services as ops
from aicmo.cam.costs.schemas import CostsUpdate
from aicmo.cam.outreach.domain import Channel
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
# (field, label, the channels it applies to): the costs form, one column per channel.
COST_FIELDS = (("per_message", "Per message sent", tuple(Channel)),
               ("per_month", "Per month (each mailbox, each seat, or flat)", tuple(Channel)),
               ("seats", "LinkedIn seats", (Channel.LINKEDIN,)),
               ("task_minutes", "Minutes per manual task", (Channel.LINKEDIN, Channel.CONTACT_FORM)),
               ("hourly_rate", "Operator's hourly rate", (Channel.LINKEDIN, Channel.CONTACT_FORM)))


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, db: DbDep, key: KeyDep) -> HTMLResponse:
    """Show the rate limits per channel (and for all channels together) and each campaign's send window."""
    return page(request, "settings.html", configs=ops.list_channel_configs(db), fields=FIELDS,
                campaigns=ops.list_campaigns(db), costs=ops.get_costs(db), cost_fields=COST_FIELDS)


async def _form(request: Request) -> FormData:
    return await request.form()


@router.post("/settings/costs", dependencies=[CsrfDep])
def update_costs(request: Request, db: DbDep, key: KeyDep, form: Annotated[FormData, Depends(_form)]) -> Response:
    """Change every channel's costs and the currency; a blank amount is zero."""
    channels = {channel.value: {name: str(form.get(f"{channel.value}.{name}", "")).strip() or "0"
                                for name, _, applies in COST_FIELDS if channel in applies}
                for channel in Channel}
    try:
        ops.update_costs(db, CostsUpdate.model_validate(
            {"currency": str(form.get("currency", "")).strip() or None, "channels": channels}))
    except ValidationError as exc:
        first = exc.errors()[0]
        flash(request, f"Costs: {'.'.join(str(part) for part in first['loc'])}: {first['msg']}", "error")
    except ops.InvalidCost as exc:
        flash(request, f"Costs: {exc}", "error")
    else:
        flash(request, "Costs saved.")
    return back_to(request, "/settings")


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
