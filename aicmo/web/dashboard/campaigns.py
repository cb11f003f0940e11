"""Campaigns: the list, a campaign's sequence with its A/B results, its controls, and creating one from a spec."""

import json
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from aicmo import operator_services as ops
from aicmo.cam.analytics.daily import DailySeries
from aicmo.cam.analytics.service import CampaignReport, Funnel
from aicmo.cam.attribution.rules import Model
from aicmo.cam.attribution.schemas import AttributionReport
from aicmo.cam.attribution.service import By
from aicmo.cam.campaigns.schemas import CampaignRead
from aicmo.cam.channel_order.schemas import ChannelOrderReport
from aicmo.cam.roi.schemas import RoiReport
from aicmo.db.base import utcnow
from aicmo.web.dashboard.charts import FunnelChart, bar_chart, daily_chart, funnel_chart, posterior_chart
from aicmo.web.dashboard.downloads import breakdown
from aicmo.web.dashboard.render import back_to, flash, page
from aicmo.web.dashboard.session import CsrfDep, DbDep, KeyDep, sessions_of
from aicmo.web.dashboard.snapshots import Snapshots

router = APIRouter()
MODELS = [model.value for model in Model]
BYS = [by.value for by in By]
BREAKDOWNS = (("step", "Step"), ("channel", "Channel"), ("grade", "Grade"), ("variant", "Step / variant"))
WINDOWS = (7, 30, 90)  # days the daily chart can show
# A page's counted figures are read in two halves at once, each in a session of its own.
_BESIDE = ThreadPoolExecutor(max_workers=2, thread_name_prefix="aicmo-campaign-figures")
EXAMPLE = """name = "Spring intro"
[audience]
grades = ["A", "B"]
[send_window]
days = [1, 2, 3, 4, 5]
start = "09:00"
end = "17:00"
timezone = "UTC"
[[steps]]
channels = ["email", "linkedin"]
subject = "A question about {{ company }}"
body = "Hi {{ first_name | default('there') }}, ..."
"""


@dataclass(frozen=True)
class CampaignFigures:
    report: CampaignReport
    attribution: AttributionReport
    daily: DailySeries
    roi: RoiReport
    channel_order: ChannelOrderReport


class SpecError(ValueError):
    pass


def parse_spec(text: str) -> dict[str, Any]:
    """A campaign spec as JSON (starting with `{`) or TOML, as plain data."""
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"invalid TOML: {exc}") from None
    if not isinstance(data, dict):
        raise SpecError("a campaign must be an object with a name and steps")
    return data


def _list(request: Request, db: DbDep, *, spec: str = EXAMPLE, error: str | None = None,
          status: int = 200) -> HTMLResponse:
    return page(request, "campaigns.html", status=status, campaigns=ops.list_campaigns(db), spec=spec, error=error)


@router.get("/campaigns", response_class=HTMLResponse)
def campaign_list(request: Request, db: DbDep, key: KeyDep) -> HTMLResponse:
    """Show every campaign and a form to create one from a TOML or JSON spec."""
    return _list(request, db)


@router.post("/campaigns", response_class=HTMLResponse, dependencies=[CsrfDep])
def create(request: Request, db: DbDep, key: KeyDep, spec: Annotated[str, Form()] = "") -> Response:
    """Create a draft campaign from a TOML or JSON spec (see examples/campaign.toml)."""
    try:
        campaign = ops.create_campaign(db, parse_spec(spec))
    except (SpecError, ops.InvalidCampaign) as exc:
        db.rollback()
        return _list(request, db, spec=spec, error=str(exc), status=422)
    flash(request, f"Campaign {campaign.name!r} created as a draft: start it when ready.")
    return back_to(request, f"/campaigns/{campaign.id}")


def variant_rows(campaign: CampaignRead, by_variant: list[Funnel]) -> list[tuple[int, str, Funnel | None]]:
    """(step number, variant name or "", its funnel) for every step and variant, in sequence order."""
    funnels = {funnel.key: funnel for funnel in by_variant}
    rows: list[tuple[int, str, Funnel | None]] = []
    for number, step in enumerate(campaign.steps, start=1):
        names = [variant.name for variant in step.variants] or [""]
        rows += [(number, name, funnels.get(f"step {number}" + (f" / {name}" if name else ""))) for name in names]
    return rows


def breakdown_charts(report: CampaignReport) -> list[tuple[str, str, list[Funnel], FunnelChart]]:
    """(key, heading, funnels, a bar per group of what reached the lead) per step, channel, grade and variant."""
    charts = []
    for by, heading in BREAKDOWNS:
        funnels = breakdown(report, by)
        charts.append((by, heading, funnels, bar_chart([(by, str(f.key), f.reached) for f in funnels])))
    return charts


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
def campaign_page(request: Request, db: DbDep, key: KeyDep, campaign_id: int, model: str = "linear",
                  by: str = "channel", days: int = 30, fresh: bool = False) -> HTMLResponse:
    """Show a campaign's sequence, what happened day by day, its funnel per step, channel, grade and variant, its
    A/B variants' reply rates, its experiments with their statistics, decisions and history, the channel order each
    segment learned, what earned its outcomes (by the attribution model and grouping chosen), what it cost against
    what it brought, and its controls."""
    campaign = ops.get_campaign(db, campaign_id)
    chosen_model = Model(model) if model in MODELS else Model.LINEAR
    chosen_by = By(by) if by in BYS else By.CHANNEL
    window = days if days in WINDOWS else 30

    sessions = sessions_of(request)

    def counted() -> tuple[CampaignReport, DailySeries]:
        with sessions() as own:
            return ops.get_campaign_report(own, campaign_id), ops.get_campaign_daily(own, campaign_id, days=window)

    def figures() -> CampaignFigures:  # on the snapshots' own thread, so in a session of its own
        funnel = _BESIDE.submit(counted)  # the funnel and the days are counted while the outcomes are credited
        with sessions() as own:
            attribution = ops.get_attribution(own, campaign=campaign_id, model=chosen_model, by=chosen_by)
            roi = ops.get_roi(own, campaign=campaign_id, model=chosen_model)
            channel_order = ops.get_channel_order(own, campaign_id)
        report, daily = funnel.result()
        return CampaignFigures(report, attribution, daily, roi, channel_order)

    snapshots: Snapshots = request.app.state.snapshots
    # The day is in the key: at midnight the window moves on even if nothing new was counted.
    shown_as = ("campaign", campaign_id, chosen_model, chosen_by, window, utcnow().date())
    if fresh:  # "count again now": this page only; the others keep theirs
        snapshots.forget(shown_as)
    snapshot = snapshots.get(shown_as, ops.get_data_version(db), figures)
    shown: CampaignFigures = snapshot.value
    return page(request, "campaign.html", campaign=campaign, report=shown.report,
                chart=funnel_chart(shown.report.total), variants=variant_rows(campaign, shown.report.by_variant),
                attribution=shown.attribution, roi=shown.roi, models=MODELS, bys=BYS,
                computed_at=snapshot.computed_at, daily=shown.daily, daily_chart=daily_chart(shown.daily.days),
                windows=WINDOWS, breakdowns=breakdown_charts(shown.report), channel_order=shown.channel_order,
                experiments=[(e, posterior_chart(e)) for e in ops.list_experiments(db, campaign_id)],
                history=ops.get_campaign_history(db, campaign_id))


@router.post("/campaigns/{campaign_id}/{action}", dependencies=[CsrfDep])
def control(request: Request, db: DbDep, key: KeyDep, campaign_id: int, action: str) -> Response:
    """Start, pause, resume or stop a campaign."""
    try:
        if action == "start":
            message = f"Started: {ops.start_campaign(db, campaign_id)} leads joined."
        elif action == "pause":
            message = f"Paused {ops.pause_campaign(db, campaign_id).name!r}."
        elif action == "resume":
            message = f"Resumed {ops.resume_campaign(db, campaign_id).name!r}."
        elif action == "stop":
            message = f"Stopped: {ops.stop_campaign(db, campaign_id)} waiting messages cancelled."
        else:
            raise HTTPException(404, f"Unknown action {action!r}.")
    except ops.CampaignStateError as exc:
        db.rollback()
        flash(request, str(exc), "error")
    else:
        flash(request, message)
    return back_to(request, f"/campaigns/{campaign_id}")
