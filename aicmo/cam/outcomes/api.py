"""REST routes for outcomes, and the signed webhook a CRM calls when a deal moves."""

import json
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate, OutcomeImportResult, OutcomeRead
from aicmo.net.signing import SIGNATURE_HEADER, verify
from aicmo.settings import Settings
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES, problem

router = APIRouter(prefix="/api/outcomes", tags=["outcomes"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})
webhook_router = APIRouter(tags=["webhooks"])
OutcomeId = Annotated[int, Path(ge=1, le=2**31 - 1)]
MAX_WEBHOOK_BYTES = 1_000_000
MAX_WEBHOOK_DEALS = 1000


@router.get("")
def list_outcomes(db: SessionDep, lead_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
                  kind: Annotated[list[OutcomeKind] | None, Query()] = None,
                  campaign_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[OutcomeRead]:
    """Outcomes newest first: of one lead, of some kinds, of the leads one campaign wrote to."""
    return ops.list_outcomes(db, lead_id=lead_id, kinds=kind, campaign_id=campaign_id, limit=limit)


@router.post("", status_code=201, responses={404: PROBLEM_RESPONSES[404]})
def add_outcome(data: OutcomeCreate, db: SessionDep) -> OutcomeRead:
    """Record a meeting, an open deal, or a won or lost one; the same external id again updates it."""
    return ops.add_outcome(db, data, source="api")


@router.delete("/{outcome_id}", status_code=204, responses={404: PROBLEM_RESPONSES[404]})
def remove_outcome(outcome_id: OutcomeId, db: SessionDep) -> Response:
    """Erase an outcome entered by mistake."""
    ops.remove_outcome(db, outcome_id)
    return Response(status_code=204)


@webhook_router.post("/webhooks/crm/outcomes", response_model=OutcomeImportResult,
                     responses={400: {"description": "malformed payload"}, 401: {"description": "bad signature"}})
async def crm_webhook(request: Request) -> Response:
    """Take deal updates from a CRM: one deal object or a list, with the fields an import reads (lead_id, email or
    linkedin_url; kind or stage; value, currency, at, deal_id, note), signed with AICMO_CRM_WEBHOOK_SECRET."""
    settings: Settings = request.app.state.settings
    if not settings.crm_webhook_secret:
        return problem(401, "Unauthorized", "the CRM webhook is off until AICMO_CRM_WEBHOOK_SECRET is set")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_WEBHOOK_BYTES:
        return problem(413, "Payload too large", f"at most {MAX_WEBHOOK_BYTES} bytes")
    body = await request.body()
    if len(body) > MAX_WEBHOOK_BYTES:
        return problem(413, "Payload too large", f"at most {MAX_WEBHOOK_BYTES} bytes")
    try:
        verify(settings.crm_webhook_secret, body, request.headers.get(SIGNATURE_HEADER), now=time.time())
    except ops.InvalidSignature as exc:
        return problem(401, "Unauthorized", str(exc))
    deals = _deals(body)
    if isinstance(deals, str):
        return problem(400, "Malformed webhook payload", deals)
    sessions: sessionmaker[Session] = request.app.state.sessions
    result = await run_in_threadpool(_take, sessions, deals)
    return JSONResponse(result.model_dump())


def _deals(body: bytes) -> list[dict[str, str]] | str:
    """The deals as rows of text, or what is wrong with the payload."""
    try:
        payload: Any = json.loads(body)
    except ValueError as exc:
        return f"body is not valid JSON: {exc}"
    except RecursionError:
        return "body is nested too deeply"
    items = payload if isinstance(payload, list) else [payload]
    if not items or len(items) > MAX_WEBHOOK_DEALS or not all(isinstance(item, dict) for item in items):
        return f"expected a deal object or a list of 1 to {MAX_WEBHOOK_DEALS} of them"
    return [{str(key): "" if value is None else str(value) for key, value in item.items()
             if not isinstance(value, dict | list)} for item in items]


def _take(sessions: sessionmaker[Session], deals: list[dict[str, str]]) -> OutcomeImportResult:
    with sessions() as db:
        return ops.take_crm_deals(db, deals)
