"""REST routes for leads: create, list, read, change and erase them, import lead files, see what happened to each."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile, status

from aicmo import operator_services as ops
from aicmo.cam.leads.enums import Grade, LeadStatus
from aicmo.cam.leads.headers import parse_map_options
from aicmo.cam.leads.importer import ImportOptions, ImportReport
from aicmo.cam.leads.schemas import FlaggedField, ImportSummary, LeadCreate, LeadPage, LeadRead, LeadUpdate, RejectedRow
from aicmo.cam.outreach.service import AttemptRead
from aicmo.cam.timeline import TimelineEntry
from aicmo.web.deps import SessionDep, SettingsDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database
NO_NUL = r"^[^\x00]*$"  # PostgreSQL compares no text holding a NUL character
LeadId = Annotated[int, Path(ge=1, le=MAX_ID, description="The lead's id.")]

router = APIRouter(prefix="/api/leads", tags=["leads"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: PROBLEM_RESPONSES[404]}
CONFLICT: dict[int | str, dict[str, Any]] = {409: PROBLEM_RESPONSES[409]}


@router.post("", status_code=status.HTTP_201_CREATED, responses=CONFLICT)
def create_lead(data: LeadCreate, db: SessionDep) -> LeadRead:
    """Store a new lead, normalised and graded; 409 when it duplicates a stored lead (the problem names its id)."""
    return ops.create_lead(db, data)


@router.get("")
def list_leads(
    db: SessionDep,
    grade: Annotated[list[Grade] | None, Query(description="Only these grades (repeatable).")] = None,
    lead_status: Annotated[list[LeadStatus] | None, Query(alias="status",
                                                          description="Only these statuses (repeatable).")] = None,
    tag: Annotated[str | None, Query(max_length=200, pattern=NO_NUL, description="Only leads with this tag.")] = None,
    q: Annotated[str | None, Query(max_length=500, pattern=NO_NUL,
                                   description="Text in the name, email, company name or domain.")] = None,
    page: Annotated[int, Query(ge=1, le=10_000_000, description="Page number, from 1.")] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
    sort: Annotated[Literal["score", "created", "name", "id"], Query(
        description="Best score first, newest first, by last name, or by id.")] = "score",
) -> LeadPage:
    """One page of the leads matching every filter given, with how many match in all."""
    return ops.list_leads(db, grades=grade or (), statuses=lead_status or (), tag=tag, search=q, page=page,
                          page_size=per_page, sort=sort)


@router.post("/import", responses={400: PROBLEM_RESPONSES[400]})  # 400: the configured grading profile is broken
def import_leads(
    db: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="A CSV (comma, semicolon or tab), JSON or JSON Lines export.")],
    update: Annotated[bool, Form(description="Let the file's values overwrite stored ones.")] = False,
    dry_run: Annotated[bool, Form(description="Validate and count; store nothing.")] = False,
    mapping: Annotated[list[str] | None, Form(alias="map", description=(
        "COLUMN=field, overriding the automatic column mapping (repeatable), e.g. `Work Mail=email`."))] = None,
) -> ImportSummary:
    """Import a lead file: map its columns, normalise, merge duplicates, grade; list every rejected row and why."""
    options = ImportOptions(overrides=parse_map_options(mapping or []), update=update, dry_run=dry_run,
                            batch_size=settings.import_batch_size, default_region=settings.default_phone_region,
                            profile=ops.get_grading_profile(settings.grading_profile))
    return _summary(ops.import_lead_upload(db, file.file, file.filename or "upload", options))


def _summary(report: ImportReport) -> ImportSummary:
    return ImportSummary(
        file=report.path.name, format=report.file_format, encoding=report.encoding, dry_run=report.dry_run,
        read=report.rows_read, inserted=report.inserted, merged=report.merged, rejected=report.rejected,
        joined=report.joined,
        rejections=[RejectedRow(line=r.line, field=r.field, reason=r.reason, values=r.values)
                    for r in report.rejections],
        flagged=report.flagged,
        flags=[FlaggedField(line=f.line, field=f.field, reason=f.reason) for f in report.flags],
        warnings=report.warnings)


@router.get("/{lead_id}", responses=NOT_FOUND)
def get_lead(lead_id: LeadId, db: SessionDep) -> LeadRead:
    """One lead with its grade and every grading rule's points."""
    return ops.get_lead(db, lead_id)


@router.patch("/{lead_id}", responses=NOT_FOUND | CONFLICT)
def update_lead(lead_id: LeadId, data: LeadUpdate, db: SessionDep) -> LeadRead:
    """Change the fields given (the others stay) and regrade; a status that ends outreach cancels waiting messages."""
    return ops.update_lead(db, lead_id, data)


@router.delete("/{lead_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, responses=NOT_FOUND)
def delete_lead(lead_id: LeadId, db: SessionDep) -> None:
    """Erase the lead for good, with every key that identified it (a GDPR erasure)."""
    ops.delete_lead(db, lead_id)


@router.get("/{lead_id}/timeline", responses=NOT_FOUND)
def lead_timeline(lead_id: LeadId, db: SessionDep,
                  limit: Annotated[int, Query(ge=1, le=5000, description="At most this many, the latest.")] = 500
                  ) -> list[TimelineEntry]:
    """Every attempt to reach the lead and everything that came back from it (replies with their text), in order."""
    ops.get_lead(db, lead_id)  # an unknown lead is a 404, not an empty timeline
    return ops.get_lead_timeline(db, lead_id, limit=limit)


@router.get("/{lead_id}/history", responses=NOT_FOUND)
def lead_history(lead_id: LeadId, db: SessionDep,
                 limit: Annotated[int | None, Query(ge=1, le=100_000, description="At most this many, oldest first.")
                                  ] = None) -> list[AttemptRead]:
    """Every attempt on every channel to reach the lead, oldest first, with its outcome."""
    ops.get_lead(db, lead_id)
    return ops.get_outreach_history(db, lead_id, limit=limit)
