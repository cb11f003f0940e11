"""LeadGradeService against real SQLite and PostgreSQL databases: grade everything, find and regrade stale grades."""

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.grading.profile import load_profile
from aicmo.cam.leads.grading import LeadGradeService
from aicmo.cam.leads.models import LeadDB
from tests.factories import make_lead, snapshot

DEFAULT = load_profile()
PEOPLE: list[dict[str, Any]] = [
    make_lead(email=f"p{i}@acme.io", first_name=f"P{i}", title=title, company_size=size, industry=industry)
    for i, (title, size, industry) in enumerate([
        ("VP Engineering", 250, "Software"), ("CTO", 120, "SaaS"), ("Engineering Manager", 30, "Retail"),
        ("Sales Intern", None, None), ("Office Assistant", 9, "Restaurants"), ("Head of Sales", 800, "Fintech"),
        ("Founder", 4, None),
    ])
]
# Engineering leaders only: sales titles no longer count, small companies do.
ENGINEERING_ONLY = """
[thresholds]
A = 40
B = 30
C = 10
[titles]
keywords = ["cto", "vp engineering", "engineering manager", "head of engineering"]
exclude = ["intern", "sales"]
[company_size]
min = 1
max = 300
"""


def add_ungraded(db: Session) -> list[int]:
    leads = [LeadDB(**{k: v for k, v in person.items() if k not in ("website",)},
                    company_domain="acme.io", seniority=None) for person in PEOPLE]
    db.add_all(leads)
    db.commit()
    return [lead.id for lead in leads]


def grades(db: Session) -> dict[int, tuple[str | None, int | None, str | None]]:
    db.expire_all()
    return {lead.id: (lead.grade, lead.score, lead.graded_with) for lead in db.scalars(select(LeadDB))}


def engineering_profile(tmp_path: Path) -> LeadGradeService:
    path = tmp_path / "engineering.toml"
    path.write_text(ENGINEERING_ONLY, encoding="utf-8")
    return LeadGradeService(load_profile(path))


def test_grade_all_grades_every_lead_with_its_reasons_and_the_profile_fingerprint(db: Session) -> None:
    ids = add_ungraded(db)
    service = LeadGradeService()
    assert service.stale_count(db) == len(ids)
    assert service.grade_all(db, batch_size=3) == len(ids)
    graded = grades(db)
    assert {lead_id: grade for lead_id, (grade, _, _) in graded.items()} == dict(zip(
        ids, ["B", "B", "C", "D", "D", "B", "C"], strict=True))
    assert {fingerprint for _, _, fingerprint in graded.values()} == {DEFAULT.fingerprint}
    vp = db.get(LeadDB, ids[0])
    assert vp is not None and vp.graded_at is not None
    reasons = {reason["rule"]: reason for reason in vp.grade_reasons}
    assert reasons["title"] == {"rule": "title", "points": 20,
                                "detail": "title 'VP Engineering' matches 'vp engineering'"}
    assert reasons["company_size"]["points"] == 15
    assert sum(reason["points"] for reason in vp.grade_reasons) == vp.score == 71
    assert service.stale_count(db) == 0


def test_a_changed_profile_makes_every_grade_stale(db: Session, tmp_path: Path) -> None:
    ids = add_ungraded(db)
    LeadGradeService().grade_all(db)
    engineering = engineering_profile(tmp_path)
    assert engineering.profile.fingerprint != DEFAULT.fingerprint
    assert engineering.stale_count(db) == len(ids)
    assert LeadGradeService().stale_count(db) == 0


def test_grading_stale_only_regrades_exactly_the_stale_leads(db: Session, tmp_path: Path) -> None:
    ids = add_ungraded(db)
    LeadGradeService().grade_all(db)
    engineering = engineering_profile(tmp_path)
    for lead_id in ids[:3]:
        engineering.grade_lead(db, lead_id)
    db.commit()
    fresh_times = {lead_id: db.get(LeadDB, lead_id).graded_at for lead_id in ids[:3]}  # type: ignore[union-attr]
    assert engineering.stale_count(db) == len(ids) - 3

    seen: list[tuple[int, int]] = []
    assert engineering.grade_all(db, stale_only=True, batch_size=2,
                                 progress=lambda done, total: seen.append((done, total))) == len(ids) - 3
    assert seen == [(2, 4), (4, 4)]
    assert engineering.stale_count(db) == 0
    db.expire_all()
    assert {i: db.get(LeadDB, i).graded_at for i in ids[:3]} == fresh_times  # type: ignore[union-attr]
    graded = grades(db)
    assert [graded[i][0] for i in ids] == ["A", "A", "A", "D", "C", "D", "C"]
    assert engineering.grade_all(db, stale_only=True) == 0


def test_grading_twice_gives_the_same_grades_scores_and_reasons(db: Session, tmp_path: Path) -> None:
    add_ungraded(db)
    service = engineering_profile(tmp_path)
    service.grade_all(db)
    first = snapshot(db, with_times=False)
    assert LeadGradeService(load_profile(tmp_path / "engineering.toml")).grade_all(db, batch_size=1) == len(PEOPLE)
    assert snapshot(db, with_times=False) == first


def test_grading_one_lead_follows_its_status(db: Session) -> None:
    ids = add_ungraded(db)
    service = LeadGradeService()
    before = service.grade_lead(db, ids[2])
    db.get(LeadDB, ids[2]).status = "replied"  # type: ignore[union-attr]
    after = service.grade_lead(db, ids[2])
    assert after.score == before.score + DEFAULT.engagement.replied
    assert [r.rule for r in after.reasons if r.points][-1] == "engagement"
