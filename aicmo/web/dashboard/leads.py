"""Leads: the filtered table, a lead's page with its grade and timeline, and CSV uploads."""

import math
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from aicmo import operator_services as ops
from aicmo.cam.grading.profile import load_profile
from aicmo.cam.leads.enums import Grade, LeadStatus
from aicmo.cam.leads.importer import ImportOptions
from aicmo.settings import Settings
from aicmo.web.dashboard.charts import grade_chart
from aicmo.web.dashboard.imports import ImportJobs
from aicmo.web.dashboard.render import back_to, page
from aicmo.web.dashboard.session import CsrfDep, DbDep, KeyDep, sessions_of

router = APIRouter()
PAGE_SIZE = 50
GRADES = [grade.value for grade in Grade]
STATUSES = [status.value for status in LeadStatus]


def _jobs(request: Request) -> ImportJobs:
    jobs: ImportJobs = request.app.state.imports
    return jobs


@router.get("/leads", response_class=HTMLResponse)
def lead_list(request: Request, db: DbDep, key: KeyDep, grade: Annotated[list[str], Query()] = [],  # noqa: B006
              status: str = "", q: str = "", page_number: Annotated[int, Query(alias="page", ge=1)] = 1
              ) -> HTMLResponse:
    """Show how many leads hold each grade, and the leads, best score first, filtered by grade, status and a
    search over names, emails and companies."""
    grades = [g for g in grade if g in GRADES]
    statuses = [status] if status in STATUSES else []
    found = ops.list_leads(db, grades=grades, statuses=statuses, search=q.strip() or None, page=page_number,
                           page_size=PAGE_SIZE)
    pages = max(1, math.ceil(found.total / PAGE_SIZE))
    query = [("grade", g) for g in grades] + [("status", s) for s in statuses] + ([("q", q)] if q else [])

    def link(number: int) -> str:
        return "?" + urlencode([*query, ("page", str(number))])

    distribution = ops.get_grade_distribution(db)
    return page(request, "leads.html", leads=found, pages=pages, link=link, grades=GRADES, statuses=STATUSES,
                chosen_grades=grades, chosen_status=status if statuses else "", q=q, distribution=distribution,
                grade_chart=grade_chart(distribution))


@router.get("/leads/{lead_id}", response_class=HTMLResponse)
def lead_page(request: Request, db: DbDep, key: KeyDep, lead_id: int) -> HTMLResponse:
    """Show a lead's fields, its grade with the reasons, and every attempt to reach it and what came back."""
    lead = ops.get_lead(db, lead_id)
    return page(request, "lead.html", lead=lead, timeline=ops.get_lead_timeline(db, lead_id))


@router.post("/leads/import", dependencies=[CsrfDep])
def upload(request: Request, key: KeyDep, file: Annotated[UploadFile, File()],
           update: Annotated[bool, Form()] = False) -> Response:
    """Import an uploaded lead file in the background and follow it on its own page."""
    settings: Settings = request.app.state.settings
    options = ImportOptions(update=update, batch_size=settings.import_batch_size,
                            default_region=settings.default_phone_region,
                            profile=load_profile(settings.grading_profile), write_rejects=False)
    job = _jobs(request).start(sessions_of(request), file.file, file.filename or "", options)
    return back_to(request, f"/leads/imports/{job.id}")


@router.get("/leads/imports/{job_id}", response_class=HTMLResponse)
def import_page(request: Request, key: KeyDep, job_id: str) -> HTMLResponse:
    """Show an import's progress while it runs, then its summary with every rejected row."""
    job = _jobs(request).get(job_id)
    if job is None:
        raise HTTPException(404, "No such import: imports are kept only while the server runs.")
    return page(request, "import.html", job=job)
