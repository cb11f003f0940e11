"""The CSV beside each dashboard chart: the same figures the chart draws, one row per day, week or group."""

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from aicmo import operator_services as ops
from aicmo.cam.analytics.exports import csv_text, days_csv, funnels_csv
from aicmo.cam.analytics.service import CampaignReport, Funnel
from aicmo.web.dashboard.session import DbDep, KeyDep

router = APIRouter()
Days = Annotated[int, Query(ge=1, le=366)]
Breakdown = Literal["step", "channel", "grade", "variant"]


def _csv(text: str, filename: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def breakdown(report: CampaignReport, by: str) -> list[Funnel]:
    """The report's funnels per step, channel, grade or step and variant."""
    funnels: list[Funnel] = getattr(report, f"by_{by}")
    return funnels


@router.get("/campaigns/{campaign_id}/daily.csv")
def campaign_daily(db: DbDep, key: KeyDep, campaign_id: int, days: Days = 30) -> Response:
    """The campaign's daily chart as CSV: sends, deliveries, replies, positive replies, meetings, bounces."""
    series = ops.get_campaign_daily(db, campaign_id, days=days)
    return _csv(days_csv(series.days), f"campaign-{campaign_id}-daily.csv")


@router.get("/campaigns/{campaign_id}/funnel.csv")
def campaign_funnel(db: DbDep, key: KeyDep, campaign_id: int, by: Breakdown = "channel") -> Response:
    """The campaign's funnel per step, channel, grade or variant as CSV."""
    report = ops.get_campaign_report(db, campaign_id)
    return _csv(funnels_csv(breakdown(report, by), by), f"campaign-{campaign_id}-funnel-by-{by}.csv")


@router.get("/trends.csv")
def trends(db: DbDep, key: KeyDep, weeks: Annotated[int, Query(ge=1, le=104)] = 12) -> Response:
    """Every campaign's figures per week (keyed by its Monday) as CSV."""
    return _csv(days_csv(ops.get_trends(db, weeks=weeks), "week"), "trends-weekly.csv")


@router.get("/leads/grades.csv")
def grades(db: DbDep, key: KeyDep) -> Response:
    """Leads per grade as CSV."""
    rows = ops.get_grade_distribution(db)
    return _csv(csv_text(("grade", "leads"), ([row.grade, row.leads] for row in rows)), "lead-grades.csv")


@router.get("/mailboxes/{name}/daily.csv")
def mailbox_daily(db: DbDep, key: KeyDep, name: str, days: Days = 30) -> Response:
    """A mailbox's sends, bounces and complaints per day, their rates and the guard's thresholds, as CSV."""
    found = next((mailbox for mailbox in ops.get_mailbox_daily(db, days=days) if mailbox.name == name), None)
    if found is None:
        raise HTTPException(404, f"No mailbox {name!r}.")
    return _csv(csv_text(("day", "sends", "bounces", "complaints", "bounce_rate", "complaint_rate",
                          "bounce_threshold", "complaint_threshold"),
                         ([day.day.isoformat(), day.sends, day.bounces, day.complaints, day.bounce_rate,
                           day.complaint_rate, found.bounce_threshold, found.complaint_threshold]
                          for day in found.days)), f"mailbox-{name}-daily.csv")
