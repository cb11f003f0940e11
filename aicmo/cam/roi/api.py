"""REST route for the ROI report: a campaign's cost against what its leads brought."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from aicmo import operator_services as ops
from aicmo.cam.attribution.rules import Model
from aicmo.cam.roi.schemas import RoiReport
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/reports", tags=["reports"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})


@router.get("/roi", responses={404: PROBLEM_RESPONSES[404]})
def roi(db: SessionDep, campaign: Annotated[str, Query(min_length=1, max_length=200)], model: Model = Model.LINEAR,
        half_life_days: Annotated[float, Query(gt=0, le=3650)] = 7.0) -> RoiReport:
    """A campaign's (its name or id) cost, pipeline, revenue and ROI, cost per meeting and per won deal: overall,
    per channel (revenue split by the attribution model) and per grade, with the lead score's AUC against
    "meeting or better". Monthly fees are prorated over the campaign's active days."""
    return ops.get_roi(db, campaign=campaign, model=model, half_life_days=half_life_days)
