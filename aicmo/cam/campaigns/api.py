"""REST routes for campaigns: create one, start, pause, resume or stop it, and read where it stands."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel

from aicmo import operator_services as ops
from aicmo.cam.analytics.daily import DailySeries
from aicmo.cam.analytics.exports import days_csv
from aicmo.cam.analytics.service import CampaignReport
from aicmo.cam.campaigns.schemas import CampaignCreate, CampaignRead, CampaignStats
from aicmo.cam.channel_order.schemas import ChannelOrderReport
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/campaigns", tags=["campaigns"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: PROBLEM_RESPONSES[404]}
STATE: dict[int | str, dict[str, Any]] = {404: PROBLEM_RESPONSES[404], 409: PROBLEM_RESPONSES[409]}
CampaignId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # the id columns are 32-bit integers


class CampaignStarted(BaseModel):
    joined: int  # leads enrolled by this start: on a restart, only those new to the campaign
    campaign: CampaignRead


class CampaignStopped(BaseModel):
    cancelled: int  # waiting messages that will now never be sent
    campaign: CampaignRead


@router.post("", status_code=status.HTTP_201_CREATED)
def create_campaign(data: CampaignCreate, db: SessionDep) -> CampaignRead:
    """Store a draft campaign with its audience, sequence and send window; nothing is sent until it starts."""
    return ops.create_campaign(db, data)


@router.get("")
def list_campaigns(db: SessionDep) -> list[CampaignRead]:
    """Every campaign, oldest first."""
    return ops.list_campaigns(db)


@router.get("/{campaign_id}", responses=NOT_FOUND)
def get_campaign(campaign_id: CampaignId, db: SessionDep) -> CampaignRead:
    """One campaign with its audience, sequence and send window."""
    return ops.get_campaign(db, campaign_id)


@router.post("/{campaign_id}/start", responses=STATE)
def start_campaign(campaign_id: CampaignId, db: SessionDep) -> CampaignStarted:
    """Start the campaign (or top it up with leads that match since): queue its first step for each new lead."""
    joined = ops.start_campaign(db, campaign_id)
    return CampaignStarted(joined=joined, campaign=ops.get_campaign(db, campaign_id))


@router.post("/{campaign_id}/pause", responses=STATE)
def pause_campaign(campaign_id: CampaignId, db: SessionDep) -> CampaignRead:
    """Hold every unsent message of a running campaign until it is resumed."""
    return ops.pause_campaign(db, campaign_id)


@router.post("/{campaign_id}/resume", responses=STATE)
def resume_campaign(campaign_id: CampaignId, db: SessionDep) -> CampaignRead:
    """Let a paused campaign send again."""
    return ops.resume_campaign(db, campaign_id)


@router.post("/{campaign_id}/stop", responses=STATE)
def stop_campaign(campaign_id: CampaignId, db: SessionDep) -> CampaignStopped:
    """Stop the campaign for good: cancel every message not yet handed to a channel."""
    cancelled = ops.stop_campaign(db, campaign_id)
    return CampaignStopped(cancelled=cancelled, campaign=ops.get_campaign(db, campaign_id))


@router.get("/{campaign_id}/status", responses=NOT_FOUND)
def campaign_status(campaign_id: CampaignId, db: SessionDep) -> CampaignStats:
    """Leads enrolled, messages per status and messages sent per channel."""
    return ops.get_campaign_status(db, campaign_id)


@router.get("/{campaign_id}/report", responses=NOT_FOUND)
def campaign_report(campaign_id: CampaignId, db: SessionDep) -> CampaignReport:
    """The funnel (queued, reached, delivered, replied, bounced) overall and per channel, grade and step/variant,
    with reply and bounce rates."""
    return ops.get_campaign_report(db, campaign_id)


@router.get("/{campaign_id}/daily", response_model=DailySeries, responses=NOT_FOUND | {
    200: {"description": "The series; as `day,sent,delivered,replied,positive_replies,meetings,bounced` with "
                         "`format=csv`", "content": {"text/csv": {}}}})
def campaign_daily(campaign_id: CampaignId, db: SessionDep, days: Annotated[int, Query(ge=1, le=3660)] = 30,
                   format: Literal["json", "csv"] = "json") -> DailySeries | Response:
    """Per UTC day, the last `days` days up to today: sends, deliveries, replies, positive replies, meetings and
    bounces, each counted on the day it happened."""
    series = ops.get_campaign_daily(db, campaign_id, days=days)
    if format == "csv":
        return Response(days_csv(series.days), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="campaign-{campaign_id}-daily.csv"'})
    return series


@router.get("/{campaign_id}/channel-order", responses=NOT_FOUND)
def campaign_channel_order(campaign_id: CampaignId, db: SessionDep) -> ChannelOrderReport:
    """Channel-order learning: whether it is on, and per segment and order the leads given it, those settled, their
    positive outcomes, the rate, the probability to be best and the share of the segment's new leads."""
    return ops.get_channel_order(db, campaign_id)
