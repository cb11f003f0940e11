"""REST routes for alerts: what the operator must see, e.g. a mailbox that paused itself."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status

from aicmo import operator_services as ops
from aicmo.cam.alerts.schemas import AlertRead
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/alerts", tags=["alerts"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})
AlertId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # the id columns are 32-bit integers


@router.get("")
def list_alerts(db: SessionDep, include_acknowledged: bool = False,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[AlertRead]:
    """Alerts newest first; only those not yet acknowledged unless `include_acknowledged`."""
    return ops.list_alerts(db, include_acknowledged=include_acknowledged, limit=limit)


@router.post("/{alert_id}/acknowledge", status_code=status.HTTP_204_NO_CONTENT,
             responses={404: PROBLEM_RESPONSES[404]})
def acknowledge_alert(alert_id: AlertId, db: SessionDep) -> Response:
    """Mark an alert seen; acknowledging it again changes nothing."""
    if not ops.acknowledge_alert(db, alert_id):
        raise HTTPException(404, f"alert {alert_id} not found")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
