"""Lead list filters on real SQLite and PostgreSQL: search text is matched literally, unknown grades refused."""

import pytest
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.errors import InvalidLead
from tests.factories import make_lead


@pytest.fixture
def three(db: Session) -> None:
    for first, email, company in (("Jo_e", "joe@acme.io", "100% Pure"), ("Jolie", "jolie@beta.io", "Beta"),
                                  ("Ann", "ann@gamma.io", "Gam\\ma")):
        ops.create_lead(db, LeadCreate(**make_lead(first_name=first, email=email, company_name=company,
                                                   website=None)))
    db.commit()


@pytest.mark.parametrize(("search", "found"), [
    ("_", ["joe@acme.io"]), ("o_e", ["joe@acme.io"]), ("%", ["joe@acme.io"]), ("0% p", ["joe@acme.io"]),
    ("\\", ["ann@gamma.io"]), ("jo", ["joe@acme.io", "jolie@beta.io"]),
])
def test_search_matches_percent_underscore_and_backslash_literally(db: Session, three: None, search: str,
                                                                   found: list[str]) -> None:
    page = ops.list_leads(db, search=search, sort="id")
    assert [lead.email for lead in page.items] == found


def test_an_unknown_grade_is_refused_naming_the_grades_there_are(db: Session, three: None) -> None:
    with pytest.raises(InvalidLead, match="grade: unknown grade 'Z': use one of A, B, C, D"):
        ops.list_leads(db, grades=["Z"])
    assert ops.list_leads(db, grades=["d", "A"]).total >= 0
