"""REST routes for the suppression list: addresses and whole domains no channel may ever reach."""

import io
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Response, UploadFile, status
from pydantic import BaseModel, Field

from aicmo import operator_services as ops
from aicmo.cam.suppression.schemas import REASON_MAX, ImportResult, SuppressionRead
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/suppressions", tags=["suppressions"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})
MAX_UPLOAD_BYTES = 20_000_000


class SuppressionCreate(BaseModel):
    value: str = Field(min_length=1, max_length=320, description="An email address, or a domain: all its addresses.")
    reason: str = Field(default="manual", min_length=1, max_length=REASON_MAX)
    detail: str | None = Field(default=None, max_length=2000)


@router.get("")
def list_suppressions(db: SessionDep, search: str | None = None, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                      offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0) -> list[SuppressionRead]:
    """Entries newest first; `search` matches any part of the value, ignoring case."""
    return ops.list_suppressions(db, search=search, limit=limit, offset=offset)


@router.post("", status_code=status.HTTP_201_CREATED)
def add_suppression(data: SuppressionCreate, db: SessionDep) -> SuppressionRead:
    """Never reach this address, or anyone at this domain, again; an entry already listed is returned as it is."""
    return ops.suppress(db, data.value, reason=data.reason, detail=data.detail)


@router.post("/import")
def import_suppressions(file: Annotated[UploadFile, File(description="CSV: a column email, domain or value "
                                                                       "(optionally reason and detail), or one "
                                                                       "column without header.")],
                        db: SessionDep,
                        reason: Annotated[str, Form(min_length=1, max_length=REASON_MAX)] = "import") -> ImportResult:
    """Add every address and domain of an uploaded CSV file; bad rows are listed by line number and skipped."""
    content = file.file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, f"the file is larger than {MAX_UPLOAD_BYTES} bytes")
    return ops.import_suppressions(db, content, reason=reason)


@router.get("/export", response_class=Response,
            responses={200: {"description": "value,kind,reason,detail,created_at", "content": {"text/csv": {}}}})
def export_suppressions(db: SessionDep) -> Response:
    """The whole list as CSV, oldest first: value, kind, reason, detail, created_at."""
    out = io.StringIO()
    ops.export_suppressions(db, out)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="suppressions.csv"'})


@router.delete("/{value}", status_code=status.HTTP_204_NO_CONTENT, responses={404: PROBLEM_RESPONSES[404]})
def remove_suppression(value: str, db: SessionDep) -> Response:
    """Allow contact again with this address or domain (leads that unsubscribed keep their status)."""
    if not ops.unsuppress(db, value):
        raise HTTPException(404, f"{value.strip()!r} is not on the suppression list")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
