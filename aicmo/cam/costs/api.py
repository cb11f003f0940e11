"""REST routes for costs per channel: what the ROI report charges each campaign."""

from fastapi import APIRouter, Depends

from aicmo import operator_services as ops
from aicmo.cam.costs.schemas import CostSettings, CostsUpdate
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/costs", tags=["costs"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})


@router.get("")
def get_costs(db: SessionDep) -> CostSettings:
    """Every channel's costs in the install's one currency; a channel never set costs nothing."""
    return ops.get_costs(db)


@router.put("")
def update_costs(db: SessionDep, changes: CostsUpdate) -> CostSettings:
    """Change the costs given per channel (only the fields sent) and the currency, which applies to every
    channel. Monthly fees are per mailbox (email), per seat (LinkedIn) or flat (contact form)."""
    return ops.update_costs(db, changes)
