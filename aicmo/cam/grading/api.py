"""REST routes for grading: read and replace the ideal-customer profile, and regrade leads against it."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from aicmo import operator_services as ops
from aicmo.cam.grading.profile import GradingProfile
from aicmo.cam.leads.api import MAX_ID
from aicmo.web.deps import SessionDep, SettingsDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/grading", tags=["grading"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401], 422: PROBLEM_RESPONSES[422]})
BROKEN_PROFILE: dict[int | str, dict[str, Any]] = {400: PROBLEM_RESPONSES[400]}


class Regraded(BaseModel):
    graded: int  # leads given a new score and grade


@router.get("/profile", responses=BROKEN_PROFILE)
def get_profile(settings: SettingsDep) -> GradingProfile:
    """The ideal-customer profile leads are graded against (AICMO_GRADING_PROFILE, else the shipped one)."""
    return ops.get_grading_profile(settings.grading_profile)


@router.put("/profile", responses=BROKEN_PROFILE | {409: PROBLEM_RESPONSES[409]})
def put_profile(profile: GradingProfile, settings: SettingsDep) -> GradingProfile:
    """Replace the profile (rules left out take their defaults); 409 while the shipped profile is the one in use.

    Grades already given stay until the leads are regraded (POST /api/grading/regrade?stale_only=true)."""
    return ops.save_grading_profile(profile, settings.grading_profile)


@router.post("/regrade", responses=BROKEN_PROFILE | {404: PROBLEM_RESPONSES[404]})
def regrade(db: SessionDep, settings: SettingsDep,
            lead_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this lead.")] = None,
            stale_only: Annotated[bool, Query(description="Only leads graded with another profile, or never.")
                                  ] = False) -> Regraded:
    """Grade every lead (or one, or those graded with another profile) against the current profile."""
    if lead_id is not None:
        ops.grade_lead(db, lead_id, profile_path=settings.grading_profile)
        return Regraded(graded=1)
    return Regraded(graded=ops.grade_leads(db, profile_path=settings.grading_profile, stale_only=stale_only))
