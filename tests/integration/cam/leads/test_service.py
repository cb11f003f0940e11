"""The lead service through `aicmo.operator_services`, on real SQLite and PostgreSQL databases."""

import csv
import io
import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.models import LeadAliasDB, LeadDB
from aicmo.cam.leads.schemas import LeadCreate, LeadRead, LeadUpdate
from aicmo.errors import DuplicateLead, InvalidLead, LeadNotFound
from tests.factories import APOLLO_MIN_HEADERS, csv_text, make_lead

JANE = make_lead(first_name="JANE", last_name="doe", email=" Jane.Doe@ACME.io ", website="https://www.Acme.io/about",
                 linkedin_url="http://de.linkedin.com/in/JaneDoe?trk=abc", phone="(415) 555-2671",
                 company_size="51-200", industry="Computer Software", tags="conference; vip")


def create(db: Session, **fields: Any) -> LeadRead:
    return ops.create_lead(db, LeadCreate(**make_lead(**fields)))


def aliases(db: Session) -> list[tuple[str, str]]:
    return [(str(kind), value) for kind, value in db.execute(select(LeadAliasDB.kind, LeadAliasDB.value))]


def test_creating_a_lead_normalises_its_fields_and_grades_it(db: Session) -> None:
    lead = ops.create_lead(db, LeadCreate(**JANE))
    assert (lead.first_name, lead.last_name, lead.email) == ("Jane", "Doe", "jane.doe@acme.io")
    assert lead.linkedin_url == "https://www.linkedin.com/in/janedoe/"
    assert (lead.phone, lead.website, lead.company_domain, lead.company_size) == ("+14155552671", "acme.io",
                                                                                   "acme.io", 51)
    assert (lead.seniority, lead.tags, lead.status) == ("vp", ["conference", "vip"], "new")
    assert (lead.grade, lead.score) == ("A", 89)
    assert {r.rule: r.points for r in lead.grade_reasons}["title"] == 20
    stored = db.get(LeadDB, lead.id)
    assert stored is not None and stored.graded_with is not None
    assert stored.name_key == "jane doe|acme.io"


@pytest.mark.parametrize(("duplicate", "key"), [
    ({"email": "JANE.DOE@acme.IO", "first_name": "Other", "website": None}, "email"),
    ({"email": None, "linkedin_url": "https://linkedin.com/in/janedoe/", "first_name": "Other"}, "LinkedIn URL"),
    ({"email": "jd@acme.io", "first_name": "jane", "last_name": "DOE", "website": "acme.io"},
     "name and company domain"),
])
def test_a_lead_matching_a_stored_one_by_any_dedupe_key_is_refused(db: Session, duplicate: dict[str, Any],
                                                                   key: str) -> None:
    first = ops.create_lead(db, LeadCreate(**JANE))
    with pytest.raises(DuplicateLead, match=key) as raised:
        create(db, **duplicate)
    db.rollback()
    assert (raised.value.existing_id, raised.value.key) == (first.id, key)
    assert db.scalar(select(func.count()).select_from(LeadDB)) == 1


def test_two_people_without_names_at_the_same_company_are_two_leads(db: Session) -> None:
    alice = create(db, first_name=None, last_name=None, email="alice@acme.io", website=None)
    bob = create(db, first_name=None, last_name=None, email="bob@acme.io", website=None)
    assert alice.id != bob.id
    assert ops.list_leads(db).total == 2


@pytest.mark.parametrize(("fields", "field"), [
    ({"email": "jane@@acme.io"}, "email"),
    ({"linkedin_url": "https://www.linkedin.com/company/acme"}, "linkedin_url"),
    ({"website": "not a website"}, "website"),
    ({"contact_form_url": "ftp://acme.io/contact"}, "contact_form_url"),
    ({"email": None, "website": None}, None),
])
def test_an_invalid_lead_is_refused_naming_the_field_at_fault(db: Session, fields: dict[str, Any],
                                                              field: str | None) -> None:
    with pytest.raises(InvalidLead) as raised:
        create(db, **fields)
    db.rollback()
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: " if field else "unreachable")
    assert ops.list_leads(db).total == 0


def test_getting_updating_or_deleting_a_missing_lead_raises_lead_not_found(db: Session) -> None:
    with pytest.raises(LeadNotFound, match="lead 404 not found"):
        ops.get_lead(db, 404)
    with pytest.raises(LeadNotFound):
        ops.update_lead(db, 404, LeadUpdate(title="CTO"))
    with pytest.raises(LeadNotFound):
        ops.delete_lead(db, 404)


def test_an_update_renormalises_the_given_fields_keeps_the_others_and_regrades(db: Session) -> None:
    lead = ops.create_lead(db, LeadCreate(**JANE))
    updated = ops.update_lead(db, lead.id, LeadUpdate(email="J.Doe@ACME.io", title="Engineering Intern",
                                                      phone="+44 20 7946 0958", tags=["webinar"]))
    assert (updated.email, updated.phone, updated.tags) == ("j.doe@acme.io", "+442079460958", ["webinar"])
    assert (updated.first_name, updated.linkedin_url, updated.company_size) == (
        "Jane", "https://www.linkedin.com/in/janedoe/", 51)
    assert updated.grade == "D" and updated.score is not None and lead.score is not None
    assert updated.score <= lead.score - 50
    assert {r.rule: r.points for r in ops.get_lead(db, lead.id).grade_reasons}["title"] == -30
    assert aliases(db) == [("email", "jane.doe@acme.io")]


def test_a_lead_whose_status_becomes_replied_scores_its_engagement(db: Session) -> None:
    lead = create(db, title="Engineering Manager")
    updated = ops.update_lead(db, lead.id, LeadUpdate(status="replied"))
    assert updated.status == "replied"
    assert updated.score == (lead.score or 0) + 10


def test_an_update_to_another_leads_email_is_refused_and_changes_nothing(db: Session) -> None:
    jane = ops.create_lead(db, LeadCreate(**JANE))
    john = create(db, first_name="John", email="john@acme.io", linkedin_url=None)
    with pytest.raises(DuplicateLead) as raised:
        ops.update_lead(db, john.id, LeadUpdate(email="JANE.DOE@acme.io"))
    db.rollback()
    assert raised.value.existing_id == jane.id
    assert ops.get_lead(db, john.id).email == "john@acme.io"


def test_deleting_a_lead_erases_it_and_its_aliases_so_the_person_can_be_imported_again(db: Session,
                                                                                        write_file) -> None:
    lead = ops.create_lead(db, LeadCreate(**JANE))
    ops.update_lead(db, lead.id, LeadUpdate(email="j.doe@acme.io"))
    assert aliases(db) == [("email", "jane.doe@acme.io")]
    ops.delete_lead(db, lead.id)
    with pytest.raises(LeadNotFound):
        ops.get_lead(db, lead.id)
    assert aliases(db) == []
    assert db.scalar(select(func.count()).select_from(LeadDB)) == 0
    report = ops.import_leads(db, write_file("again.csv", csv_text(APOLLO_MIN_HEADERS, [
        ["Jane", "Doe", "CTO", "Acme", "jane.doe@acme.io", "", "", "", "", ""]])))
    assert (report.inserted, report.merged) == (1, 0)


def seed(db: Session) -> dict[str, LeadRead]:
    """Five leads whose grades, statuses and tags are known."""
    leads = {
        "jane": ops.create_lead(db, LeadCreate(**JANE)),
        "omar": create(db, first_name="Omar", last_name="Haddad", email="omar@globex.com", title="CTO",
                       company_name="Globex", website="globex.com", company_size="300", industry="SaaS",
                       linkedin_url="linkedin.com/in/omarh", tags=["Conference"]),
        "lena": create(db, first_name="Lena", last_name="Fischer", email="LENA@initech.de", title="Engineering Manager",
                       company_name="Initech", website="initech.de", country="DE", tags=["webinar"]),
        "zoe": create(db, first_name="Zoë", last_name="Ørsted", email="zoe@hooli.dk", title="Office Assistant",
                      company_name="Hooli ApS", website="hooli.dk", country="DK"),
        "sam": create(db, first_name="Sam", last_name="Lee", email="sam@acme.io", title="Sales Intern",
                      company_name="Acme", country="Peru", tags=["conference"]),
    }
    ops.update_lead(db, leads["lena"].id, LeadUpdate(status="contacted"))
    assert {name: lead.grade for name, lead in leads.items()} == {"jane": "A", "omar": "A", "lena": "C",
                                                                  "zoe": "D", "sam": "D"}
    return leads


def found(db: Session, **filters: Any) -> set[int]:
    return {lead.id for lead in ops.list_leads(db, **filters).items}


def test_list_filters_by_grade_status_and_tag(db: Session) -> None:
    leads = seed(db)
    ids = {name: lead.id for name, lead in leads.items()}
    assert found(db, grades=["a"]) == {ids["jane"], ids["omar"]}
    assert found(db, grades=["C", "D"]) == {ids["lena"], ids["zoe"], ids["sam"]}
    assert found(db, statuses=["contacted"]) == {ids["lena"]}
    assert found(db, statuses=["new"], grades=["D"]) == {ids["zoe"], ids["sam"]}
    assert found(db, tag="conference") == {ids["jane"], ids["sam"]}
    assert found(db, tag="webinar", statuses=["new"]) == set()


@pytest.mark.parametrize(("search", "names"), [
    ("JANE", {"jane"}), ("jane doe", {"jane"}), ("acme", {"jane", "sam"}), ("LENA@init", {"lena"}),
    ("globex", {"omar"}), ("hooli aps", {"zoe"}), ("zoë ørsted", {"zoe"}), ("ØRSTED", {"zoe"}), ("nobody", set()),
])
def test_list_searches_name_email_and_company_case_insensitively(db: Session, search: str, names: set[str]) -> None:
    leads = seed(db)
    assert found(db, search=search) == {leads[name].id for name in names}


def test_an_unknown_status_filter_is_an_invalid_lead_error(db: Session) -> None:
    with pytest.raises(InvalidLead, match="status"):
        ops.list_leads(db, statuses=["bogus"])


def test_list_pages_through_the_leads_best_score_first(db: Session) -> None:
    seed(db)
    pages = [ops.list_leads(db, page=page, page_size=2) for page in (1, 2, 3, 4)]
    assert [p.total for p in pages] == [5, 5, 5, 5]
    assert [len(p.items) for p in pages] == [2, 2, 1, 0]
    listed = [lead for page in pages for lead in page.items]
    assert len({lead.id for lead in listed}) == 5
    keys = [(-(lead.score or 0), lead.id) for lead in listed]
    assert keys == sorted(keys)
    with pytest.raises(InvalidLead, match="page"):
        ops.list_leads(db, page=0)


@pytest.mark.parametrize("file_format", ["csv", "json", "jsonl"])
def test_export_writes_the_matching_leads_best_score_first(db: Session, file_format: str) -> None:
    leads = seed(db)
    out = io.StringIO()
    assert ops.export_leads(db, out, file_format=file_format, grades=["A", "D"]) == 4
    text = out.getvalue()
    if file_format == "csv":
        rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(text)))
    elif file_format == "json":
        rows = json.loads(text)
    else:
        rows = [json.loads(line) for line in text.splitlines()]
    assert {int(row["id"]) for row in rows[:2]} == {leads["jane"].id, leads["omar"].id}
    assert {row["email"] for row in rows} == {"jane.doe@acme.io", "omar@globex.com", "zoe@hooli.dk", "sam@acme.io"}
    assert [int(row["score"]) for row in rows] == sorted((int(row["score"]) for row in rows), reverse=True)


def test_grade_leads_regrades_against_another_profile_file(db: Session, tmp_path) -> None:
    leads = seed(db)
    profile = tmp_path / "sales_only.toml"
    profile.write_text('[thresholds]\nA = 25\nB = 15\nC = 5\n[titles]\nkeywords = ["intern"]\nexclude = []\n')
    assert ops.grade_leads(db, profile_path=profile) == 5
    assert (ops.get_lead(db, leads["sam"].id).grade, ops.get_lead(db, leads["jane"].id).grade) == ("A", "B")
    assert ops.grade_leads(db, profile_path=profile, stale_only=True) == 0


def test_changing_the_website_or_title_works_out_the_company_domain_and_seniority_again(db: Session) -> None:
    created = ops.create_lead(db, LeadCreate(first_name="Ada", last_name="Byrne", email="ada@gmail.com",
                                             website="acme.io", title="VP Engineering"))
    assert (created.company_domain, created.seniority) == ("acme.io", "vp")
    updated = ops.update_lead(db, created.id, LeadUpdate(website="https://www.globex.com/", title="Engineering Intern"))
    assert updated.company_domain == "globex.com"
    assert updated.seniority == "intern"
    assert ops.list_leads(db, search="globex").total == 1
