"""How many leads hold each grade: the shape of the list against the ideal-customer profile."""

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo.cam.leads.enums import Grade
from aicmo.cam.leads.models import LeadDB

UNGRADED = "ungraded"


class GradeCount(BaseModel):
    grade: str  # A, B, C, D, or "ungraded"
    leads: int


def grade_distribution(db: Session) -> list[GradeCount]:
    """Leads per grade, best first, every grade present (0 when none), then the ungraded ones."""
    counts = {grade or UNGRADED: count
              for grade, count in db.execute(select(LeadDB.grade, func.count()).group_by(LeadDB.grade))}
    return [GradeCount(grade=name, leads=counts.get(name, 0)) for name in [g.value for g in Grade] + [UNGRADED]]
