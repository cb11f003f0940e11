"""REST route for attribution: outcomes credited to channels, steps, variants or campaigns."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from aicmo import operator_services as ops
from aicmo.cam.attribution.rules import Model
from aicmo.cam.attribution.schemas import AttributionReport
from aicmo.cam.attribution.service import By
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/reports", tags=["reports"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})


@router.get("/attribution", responses={404: PROBLEM_RESPONSES[404]})
def attribution(db: SessionDep, campaign_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
                model: Model = Model.LINEAR, by: By = By.CHANNEL,
                outcome: Annotated[list[OutcomeKind] | None, Query()] = None,
                lookback_days: Annotated[int, Query(ge=1, le=3650)] = 90,
                half_life_days: Annotated[float, Query(gt=0, le=3650)] = 7.0) -> AttributionReport:
    """Outcomes (meetings or better unless `outcome` says) credited by the model to the touches within the
    lookback before each; of the leads one campaign wrote to, or of every lead. Credits add up to the total."""
    return ops.get_attribution(db, campaign=campaign_id, model=model, by=by, kinds=outcome or (),
                               lookback_days=lookback_days, half_life_days=half_life_days)
