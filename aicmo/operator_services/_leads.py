"""Leads: create, read, change, erase, import, export and grade them."""

import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import BinaryIO, TextIO

from sqlalchemy.orm import Session

from aicmo.cam.grading.profile import GradingProfile, load_profile, save_profile
from aicmo.cam.leads import service as leads
from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.leads.export import write_leads
from aicmo.cam.leads.grading import LeadGradeService
from aicmo.cam.leads.importer import ImportOptions, ImportReport, Progress
from aicmo.cam.leads.importer import import_leads as _import_leads
from aicmo.cam.leads.schemas import LeadCreate, LeadPage, LeadRead, LeadUpdate
from aicmo.cam.outreach.messages import cancel_for_lead
from aicmo.cam.sequences.rules import stop_reason
from aicmo.cam.timeline import TimelineEntry, lead_timeline
from aicmo.db.base import utcnow
from aicmo.errors import (
    GradingProfileStateError,
)
from aicmo.settings import get_settings


def create_lead(db: Session, data: LeadCreate) -> LeadRead:
    """Store a new lead, normalised and graded; DuplicateLead if it is already known."""
    lead = leads.create(db, data, grader=_configured_grader())
    db.commit()
    return LeadRead.model_validate(lead)


def _configured_grader() -> LeadGradeService:
    """Grading against AICMO_GRADING_PROFILE when set, as imports and regrades do, else the shipped profile."""
    return LeadGradeService(load_profile(get_settings().grading_profile))


def get_lead(db: Session, lead_id: int) -> LeadRead:
    return LeadRead.model_validate(leads.get(db, lead_id))


def list_leads(db: Session, *, grades: Sequence[str] = (), statuses: Sequence[LeadStatus | str] = (),
               tag: str | None = None, search: str | None = None, page: int = 1, page_size: int = 50,
               sort: str = "score") -> LeadPage:
    return leads.get_all(db, grades=grades, statuses=statuses, tag=tag, search=search, page=page,
                         page_size=page_size, sort=sort)


def update_lead(db: Session, lead_id: int, data: LeadUpdate) -> LeadRead:
    """Change a lead; a status that ends outreach (replied, unsubscribed, …) cancels its waiting messages."""
    lead = leads.update(db, lead_id, data, grader=_configured_grader())
    reason = stop_reason(lead.status)
    if reason is not None:
        cancel_for_lead(db, lead.id, reason, utcnow())
    db.commit()
    return LeadRead.model_validate(lead)


def delete_lead(db: Session, lead_id: int) -> None:
    """Erase the lead for good (GDPR erasure)."""
    leads.delete_lead(db, lead_id)
    db.commit()


def _configured(options: ImportOptions | None) -> ImportOptions:
    settings = get_settings()
    return replace(options or ImportOptions(), json_max_depth=settings.import_json_max_depth,
                   max_columns=settings.import_max_columns, max_field_chars=settings.import_max_field_chars)


def import_leads(db: Session, path: Path | str, options: ImportOptions | None = None,
                 progress: Progress | None = None) -> ImportReport:
    """Import a lead file batch by batch (each batch commits); see ImportReport for the outcome."""
    return _import_leads(db, path, _configured(options), progress)


def grade_leads(db: Session, *, profile_path: Path | None = None, stale_only: bool = False,
                progress: Progress | None = None) -> int:
    """Grade all leads (or only those graded with an older profile); return how many were graded."""
    service = LeadGradeService(load_profile(profile_path))
    return service.grade_all(db, stale_only=stale_only, progress=progress)


def export_leads(db: Session, out: TextIO, *, file_format: str = "csv", grades: Sequence[str] = (),
                 statuses: Sequence[str] = (), tag: str | None = None, search: str | None = None,
                 limit: int | None = None) -> int:
    """Write matching leads (best score first) as CSV, JSON or JSON Lines; return how many."""
    rows = leads.stream(db, grades=grades, statuses=statuses, tag=tag, search=search)
    return write_leads(islice(rows, limit), out, file_format)


def get_lead_timeline(db: Session, lead_id: int, *, limit: int = 500) -> list[TimelineEntry]:
    """Every attempt to reach the lead and everything that came back from it (reply text included), in order."""
    return lead_timeline(db, lead_id, limit=limit)


def get_grading_profile(path: Path | None = None) -> GradingProfile:
    """The ideal-customer profile leads are graded against: the file at `path`, else the shipped one."""
    return load_profile(path)


def save_grading_profile(profile: GradingProfile, path: Path | None) -> GradingProfile:
    """Replace the profile file at `path` (AICMO_GRADING_PROFILE); the shipped profile cannot be replaced."""
    if path is None:
        raise GradingProfileStateError("the shipped grading profile cannot be changed: set AICMO_GRADING_PROFILE "
                                       "to the file the profile should be kept in")
    return save_profile(profile, path)


def grade_lead(db: Session, lead_id: int, *, profile_path: Path | None = None) -> LeadRead:
    """Grade one lead now against the profile at `profile_path` (else the shipped one)."""
    LeadGradeService(load_profile(profile_path)).grade_lead(db, lead_id)
    db.commit()
    return get_lead(db, lead_id)


def import_lead_upload(db: Session, upload: BinaryIO, filename: str,
                       options: ImportOptions | None = None) -> ImportReport:
    """Import an uploaded lead file: CSV, JSON or JSON Lines, told apart by its name's extension or its content."""
    # Short enough that "import:<name>" fits the leads' 100-character source column.
    name = re.sub(r"[^\w.-]", "_", Path(filename).name).lstrip(".")[-80:] or "upload"
    # No rejects file beside a temporary copy; no worker processes forked from a threaded server.
    options = replace(_configured(options), write_rejects=False, workers=0)
    with tempfile.TemporaryDirectory(prefix="aicmo-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            shutil.copyfileobj(upload, out)
        report = _import_leads(db, path, options)
    report.path = Path(name)
    return report
