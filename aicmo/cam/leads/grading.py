"""LeadGradeService: grade stored leads against the ideal-customer profile (aicmo.cam.grading), with the reasons."""

from collections.abc import Callable, Mapping
from typing import Any, cast

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from aicmo.cam.grading.profile import GradingProfile, load_profile
from aicmo.cam.grading.rules import GradeResult, grade_lead
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.store import LeadStore
from aicmo.cam.webhooks.events import WebhookEvent, emit, emit_many, lead_data
from aicmo.db.base import utcnow
from aicmo.db.unit_of_work import checkpoint
from aicmo.errors import LeadNotFound

LEADS = LeadDB.__table__
GRADED_COLUMNS = [LEADS.c[name] for name in (
    "id", "title", "seniority", "department", "industry", "company_size", "country", "email", "email_status",
    "linkedin_url", "contact_form_url", "status", "first_name", "last_name", "company_name", "company_domain",
)]


class LeadGradeService:
    """Grade leads A/B/C/D against an ideal-customer profile, storing the score and the reasons."""

    def __init__(self, profile: GradingProfile | None = None) -> None:
        self.profile = profile or load_profile()

    def grade(self, lead: dict[str, Any] | LeadDB) -> GradeResult:
        fields = lead if isinstance(lead, dict) else {c.name: getattr(lead, c.name) for c in GRADED_COLUMNS}
        return grade_lead(fields, self.profile)

    def grade_lead(self, db: Session, lead_id: int) -> GradeResult:
        """Grade one lead now; the caller commits."""
        lead = db.get(LeadDB, lead_id)
        if lead is None:
            raise LeadNotFound(lead_id)
        result = self.grade(lead)
        previous = lead.grade
        lead.grade, lead.score = result.grade.value, result.score
        lead.grade_reasons = [r.as_dict() for r in result.reasons]
        lead.graded_at, lead.graded_with = utcnow(), self.profile.fingerprint
        if previous != lead.grade:
            emit(db, WebhookEvent.LEAD_GRADED, {"lead": lead_data(lead), "previous_grade": previous}, lead.graded_at)
        return result

    def stale_count(self, db: Session) -> int:
        stale = or_(LEADS.c.graded_with.is_(None), LEADS.c.graded_with != self.profile.fingerprint)
        return db.scalar(select(func.count()).select_from(LEADS).where(stale)) or 0

    def grade_all(self, db: Session, *, stale_only: bool = False, batch_size: int = 5000,
                  progress: Callable[[int, int], None] | None = None) -> int:
        """Grade every lead (or those graded with another profile), committing per batch; return the count."""
        fingerprint = self.profile.fingerprint
        condition = or_(LEADS.c.graded_with.is_(None), LEADS.c.graded_with != fingerprint) if stale_only \
            else LEADS.c.id.isnot(None)
        total = db.scalar(select(func.count()).select_from(LEADS).where(condition)) or 0
        done, last_id = 0, 0
        while True:
            rows = db.execute(select(*GRADED_COLUMNS, LEADS.c.grade.label("previous_grade"))
                              .where(condition, LEADS.c.id > last_id)
                              .order_by(LEADS.c.id).limit(batch_size)).mappings().all()
            if not rows:
                break
            now = utcnow()
            updates, changed = [], []
            for row in rows:
                result = grade_lead(cast(Mapping[str, Any], row), self.profile)
                updates.append((row["id"], {"grade": result.grade.value, "score": result.score,
                                            "grade_reasons": [r.as_dict() for r in result.reasons],
                                            "graded_at": now, "graded_with": fingerprint}))
                if row["previous_grade"] != result.grade.value:
                    graded = {**row, "grade": result.grade.value, "score": result.score}
                    changed.append({"lead": lead_data(graded), "previous_grade": row["previous_grade"]})
            LeadStore(db).update(updates)
            emit_many(db, WebhookEvent.LEAD_GRADED, changed, now)
            checkpoint(db)
            done += len(rows)
            last_id = rows[-1]["id"]
            if progress:
                progress(done, total)
        return done
