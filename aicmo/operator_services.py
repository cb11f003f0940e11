"""The operator API: the functions the CLI, the REST API and the dashboard call, session first."""

from collections.abc import Sequence
from itertools import islice
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session

from aicmo.cam.grading.profile import load_profile
from aicmo.cam.grading.service import LeadGradeService
from aicmo.cam.leads import service as leads
from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.leads.export import write_leads
from aicmo.cam.leads.importer import ImportOptions, ImportReport, Progress
from aicmo.cam.leads.importer import import_leads as _import_leads
from aicmo.cam.leads.schemas import LeadCreate, LeadPage, LeadRead, LeadUpdate
from aicmo.cam.outreach.linkedin.service import (
    complete_linkedin_task,
    get_linkedin_task,
    handle_linkedin_callback,
    list_linkedin_tasks,
    set_linkedin_status,
)
from aicmo.errors import (
    DuplicateLead,
    InvalidCallback,
    InvalidLead,
    InvalidSignature,
    LeadNotFound,
    TaskAlreadyClosed,
    TaskNotFound,
)


def create_lead(db: Session, data: LeadCreate) -> LeadRead:
    """Store a new lead, normalised and graded; DuplicateLead if it is already known."""
    lead = leads.create(db, data)
    db.commit()
    return LeadRead.model_validate(lead)


def get_lead(db: Session, lead_id: int) -> LeadRead:
    return LeadRead.model_validate(leads.get(db, lead_id))


def list_leads(db: Session, *, grades: Sequence[str] = (), statuses: Sequence[LeadStatus | str] = (),
               tag: str | None = None, search: str | None = None, page: int = 1, page_size: int = 50,
               sort: str = "score") -> LeadPage:
    return leads.get_all(db, grades=grades, statuses=statuses, tag=tag, search=search, page=page,
                         page_size=page_size, sort=sort)


def update_lead(db: Session, lead_id: int, data: LeadUpdate) -> LeadRead:
    lead = leads.update(db, lead_id, data)
    db.commit()
    return LeadRead.model_validate(lead)


def delete_lead(db: Session, lead_id: int) -> None:
    """Erase the lead for good (GDPR erasure)."""
    leads.delete_lead(db, lead_id)
    db.commit()


def import_leads(db: Session, path: Path | str, options: ImportOptions | None = None,
                 progress: Progress | None = None) -> ImportReport:
    """Import a lead file batch by batch (each batch commits); see ImportReport for the outcome."""
    return _import_leads(db, path, options, progress)


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


__all__ = ["DuplicateLead", "InvalidLead", "LeadNotFound", "create_lead", "delete_lead", "export_leads", "get_lead",
           "grade_leads", "import_leads", "list_leads", "update_lead"]
# LinkedIn tasks (aicmo.cam.outreach.linkedin.service).
__all__ += ["InvalidCallback", "InvalidSignature", "TaskAlreadyClosed", "TaskNotFound", "complete_linkedin_task",
            "get_linkedin_task", "handle_linkedin_callback", "list_linkedin_tasks", "set_linkedin_status"]
