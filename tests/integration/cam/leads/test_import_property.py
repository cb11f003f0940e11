"""Row order must not change what an import stores, and importing a file again must change nothing.

Files are drawn from a small pool of people (two at one company, two with one name at different companies, one
with a free-mail address, and a company with no person) so that rows merge by email, by LinkedIn profile and by
name at company domain, written in different cases and URL forms. A person's rows either all carry one key they
share, or are linked only by rows carrying all the person's keys, which may come first or last: a row linking leads
made by earlier rows (of this file or a stored one) merges them into one.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from aicmo.cam.grading.profile import load_profile
from aicmo.cam.leads.enums import KeyKind
from aicmo.cam.leads.importer import ImportOptions, import_leads
from aicmo.cam.leads.models import ImportLogDB, LeadAliasDB, LeadDB
from aicmo.db.engine import make_session_factory
from tests.factories import csv_text, snapshot

HEADERS = ["First Name", "Last Name", "Email", "Person Linkedin Url", "Website", "Title", "# Employees", "Country",
           "Tags"]
OPTIONS = ImportOptions(profile=load_profile(), write_rejects=False, batch_size=4)
KEY_COLUMNS = {"email": "email", "linkedin": "linkedin_url", "name": "name_key"}
IGNORED = {"id", "email", "tags", "created_at", "updated_at", "graded_at"}  # winners and times; keys compared apart


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    emails: tuple[str, ...]
    linkedin: str | None
    website: str | None
    title: str = ""
    size: str = ""
    country: str = ""

    def anchors(self) -> list[str]:
        """Kinds of key every row of this person can carry: one email, the LinkedIn profile, name and website."""
        kinds = {"email": len(self.emails) == 1, "linkedin": bool(self.linkedin),
                 "name": bool(self.first and self.website), "website": not self.first}
        return [kind for kind, possible in kinds.items() if possible]

    def keys(self, rows: list[list[str]]) -> frozenset[tuple[str, str]]:
        """Every key these rows of the person name, normalised: the one lead they make must be found by each."""
        keys = {("email", e) for e in self.emails if any(row[2].strip().lower() == e for row in rows)}
        if any(row[3] for row in rows):
            keys.add(("linkedin", f"https://www.linkedin.com/in/{self.linkedin}/"))
        domains = [self.website] if any(row[4] for row in rows) else []
        domains += [e.split("@")[1] for e in self.emails if ("email", e) in keys and not e.endswith("@gmail.com")]
        if domains and (not self.first or any(row[0] for row in rows)):
            keys.add(("name", f"{self.first} {self.last}".casefold().strip() + "|" + domains[0]))
        return frozenset(keys)


PEOPLE = [
    Person("Jane", "Doe", ("jane@acme.io", "j.doe@acme.io"), "janedoe", "acme.io", "VP Engineering", "250", "US"),
    Person("John", "Roe", ("john@acme.io",), "john-roe-12", None, "CTO", "251-500", "Canada"),
    Person("Jane", "Doe", ("jane.doe@globex.com",), "jane-doe-globex", "globex.com", "Sales Intern", "40", "DE"),
    Person("Zoë", "Ørsted", ("zoe@hooli.dk",), None, "hooli.dk", "Head of Sales", "1,200", "Denmark"),
    Person("Omar", "Haddad", ("omar.haddad@gmail.com",), "omarhaddad", "initech.de", "Founder", "12", "FR"),
    Person("", "", (), None, "acme.io"),  # the company itself: a website and nothing else
]
Rows = list[tuple[int, list[str]]]  # (index of the person in PEOPLE, the row's cells)


def email_forms(email: str) -> list[str]:
    return [email, email.upper(), email.capitalize(), f" {email} "]


def linkedin_forms(slug: str) -> list[str]:
    return [f"https://www.linkedin.com/in/{slug}/", f"http://linkedin.com/in/{slug.upper()}",
            f"https://de.linkedin.com/in/{slug}?trk=abc", f"www.linkedin.com/in/{slug}"]


def website_forms(domain: str) -> list[str]:
    return [domain, f"https://www.{domain}/about", f"HTTP://{domain.upper()}"]


@st.composite
def person_row(draw: st.DrawFn, person: Person, required: set[str], email: str | None = None) -> list[str]:
    """A row of the person with the required kinds of value (email, linkedin, name, website) and maybe others."""
    def given(kind: str) -> bool:
        return kind in required or draw(st.booleans())

    case = draw(st.sampled_from([str.upper, str.lower, str]))
    named = bool(person.first) and given("name")
    if email is None:
        email = draw(st.sampled_from(person.emails)) if person.emails and given("email") else ""
    has_site = bool(person.website) and ("name" in required or given("website"))
    return [
        case(person.first) if named else "", case(person.last) if named else "",
        draw(st.sampled_from(email_forms(email))) if email else "",
        draw(st.sampled_from(linkedin_forms(person.linkedin))) if person.linkedin and given("linkedin") else "",
        draw(st.sampled_from(website_forms(person.website))) if person.website and has_site else "",
        *(draw(st.sampled_from(["", value])) for value in (person.title, person.size, person.country)),
        draw(st.sampled_from(["", "conference", "webinar; Conference"])),
    ]


@st.composite
def person_rows(draw: st.DrawFn, person: Person) -> list[list[str]]:
    """One to three rows for a person, anchored or bridged.

    Anchored: each row carries the person's anchor key (drawn per file). Bridged: each row carries some key of the
    person, maybe none that another row has, and rows with every key (one per email) show they are one person;
    wherever those come in the file, the rows before them made leads that must then be merged together.
    """
    anchors = person.anchors()
    bridged = bool(person.first) and draw(st.booleans())
    anchor = draw(st.sampled_from(anchors))
    kinds = [kind for kind, possible in (("email", person.emails), ("linkedin", person.linkedin),
                                         ("name", person.website)) if possible]
    rows = [draw(person_row(person, {draw(st.sampled_from(kinds)) if bridged else anchor}))
            for _ in range(draw(st.integers(1, 3)))]
    if bridged:
        rows += [draw(person_row(person, {"name", "email", "linkedin"}, email)) for email in person.emails]
    return rows


@st.composite
def lead_files(draw: st.DrawFn) -> tuple[Rows, Rows, Rows]:
    """A file's rows, each with its person, and two other orders of them."""
    chosen = draw(st.lists(st.sampled_from(range(len(PEOPLE))), min_size=1, max_size=len(PEOPLE), unique=True))
    rows = draw(st.permutations([(i, row) for i in chosen for row in draw(person_rows(PEOPLE[i]))]))
    return rows, draw(st.permutations(rows)), draw(st.permutations(rows))


def clear(db: Session) -> None:
    for model in (LeadAliasDB, LeadDB, ImportLogDB):
        db.execute(delete(model))
    db.commit()


def import_rows(db: Session, path: Path, rows: Rows | list[list[str]]) -> None:
    cells = [row if isinstance(row, list) else row[1] for row in rows]
    path.write_text(csv_text(HEADERS, cells), encoding="utf-8")
    import_leads(db, path, OPTIONS)


def state(db: Session) -> set[tuple[Any, ...]]:
    """Each lead as (every key that finds it, its other values): what must not depend on row order."""
    db.expire_all()
    keys: dict[int, set[tuple[str, str]]] = {}
    values: set[tuple[int, str, tuple[str, ...]]] = set()
    for lead in db.scalars(select(LeadDB)):
        keys[lead.id] = {(kind, getattr(lead, column)) for kind, column in KEY_COLUMNS.items()
                         if getattr(lead, column)}
        others = json.dumps({c.name: getattr(lead, c.name) for c in LeadDB.__table__.columns if c.name not in IGNORED},
                            sort_keys=True, default=str)
        # Tags merge ignoring case, so which spelling is kept depends on order; the set of tags does not.
        values.add((lead.id, others, tuple(sorted(tag.casefold() for tag in lead.tags))))
    # The ids of leads merged into another are kept to find it by; which ids those are depends on row order.
    for kind, value, lead_id in db.execute(select(LeadAliasDB.kind, LeadAliasDB.value, LeadAliasDB.lead_id)
                                           .where(LeadAliasDB.kind != KeyKind.MERGED_LEAD)):
        keys[lead_id].add((str(kind), value))
    every_key = [key for owned in keys.values() for key in owned]
    assert len(every_key) == len(set(every_key)), "a key finds two leads"
    return {(frozenset(keys[lead_id]), others, tags) for lead_id, others, tags in values}


def expected_keys(rows: Rows) -> set[frozenset[tuple[str, str]]]:
    by_person: dict[int, list[list[str]]] = {}
    for person, row in rows:
        by_person.setdefault(person, []).append(row)
    return {PEOPLE[person].keys(mine) for person, mine in by_person.items()}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=lead_files())
def test_the_stored_leads_do_not_depend_on_row_order_and_a_second_import_changes_nothing(
        engine: Engine, tmp_path: Path, files: tuple[Rows, Rows, Rows]) -> None:
    rows, first_order, second_order = files
    path = tmp_path / "leads.csv"
    with make_session_factory(engine)() as db:
        clear(db)
        import_rows(db, path, rows)
        once = snapshot(db)
        import_rows(db, path, rows)
        assert snapshot(db) == once
        expected = state(db)
        assert {keys for keys, _, _ in expected} == expected_keys(rows)

        clear(db)
        import_rows(db, path, first_order)
        import_rows(db, path, second_order)
        assert state(db) == expected
        assert db.scalar(select(func.count()).select_from(LeadDB)) == len(expected)


def test_a_row_linking_two_earlier_rows_of_one_person_merges_them_whatever_the_order(db: Session,
                                                                                    tmp_path: Path) -> None:
    email_only = ["Jane", "Doe", "jane@acme.io", "", "", "", "", "", ""]
    linkedin_only = ["", "", "", "https://www.linkedin.com/in/janedoe/", "", "CTO", "", "", ""]
    both = ["", "", "jane@acme.io", "https://www.linkedin.com/in/janedoe/", "", "", "", "", ""]
    import_rows(db, tmp_path / "linking_first.csv", [both, email_only, linkedin_only])
    assert db.scalar(select(func.count()).select_from(LeadDB)) == 1
    clear(db)
    import_rows(db, tmp_path / "linking_last.csv", [email_only, linkedin_only, both])
    assert db.scalar(select(func.count()).select_from(LeadDB)) == 1
