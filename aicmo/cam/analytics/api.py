"""REST routes for metrics: how each channel performs over a window."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from aicmo import operator_services as ops
from aicmo.cam.analytics.service import ChannelMetrics
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/metrics", tags=["metrics"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})


@router.get("/channels")
def channel_metrics(db: SessionDep, days: Annotated[int, Query(ge=1, le=3650)] = 30,
                    campaign_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> list[ChannelMetrics]:
    """Per channel, what happened in the last `days` days (to one campaign's messages if given), counted by
    attempts and events: sends, deliveries, replies, positive replies, bounces, complaints, and their rates."""
    return ops.get_channel_metrics(db, window=timedelta(days=days), campaign_id=campaign_id)
