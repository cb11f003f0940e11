"""The overview: trends across campaigns, every campaign's funnel, the queue, and the alerts still open."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from aicmo import operator_services as ops
from aicmo.web.dashboard.charts import TRENDS, daily_chart, funnel_chart
from aicmo.web.dashboard.render import page
from aicmo.web.dashboard.session import DbDep, KeyDep

router = APIRouter()
REFRESH_SECONDS = 10
WEEKS = 12


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, db: DbDep, key: KeyDep) -> HTMLResponse:
    """Show every campaign's weekly trends, each campaign's funnel, the queue and the open alerts."""
    rows = []
    for campaign in reversed(ops.list_campaigns(db)):  # newest first
        report = ops.get_campaign_report(db, campaign.id)
        rows.append((campaign, report.total, funnel_chart(report.total)))
    weeks = ops.get_trends(db, weeks=WEEKS)
    return page(request, "overview.html", campaigns=rows, queue=ops.get_queue_status(db),
                alerts=ops.list_alerts(db, limit=20), refresh_seconds=REFRESH_SECONDS, weeks=weeks,
                trends_chart=daily_chart(weeks, TRENDS))
