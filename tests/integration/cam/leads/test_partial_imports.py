"""Imports keep every row that reaches the person by some channel, and list each field they left out or cut."""

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.importer import ImportOptions, import_leads, summary_line
from aicmo.cam.leads.models import LeadDB
from aicmo.settings import get_settings
from tests.factories import csv_text

SALES_NAVIGATOR = ["First Name", "Last Name", "Job Title", "Company", "Company Website", "Profile URL", "Location"]
SALES_ROWS = [
    ["Ann", "Flowers", "Head of Sales", "Globex", "https://globex.com",
     "https://www.linkedin.com/sales/lead/ACwAAB1,NAME_SEARCH,q7Yz", "Berlin"],
    ["Rebecca", "Phillips", "Engineer", "Onyxhub", "onyxhub.com",
     "https://www.linkedin.com/in/rebecca-phillips-8ec73456", "Atlanta"],
    ["Carl", "Meyer", "CTO", "Initech", "http://www.initech.de/",
     "https://www.linkedin.com/sales/people/ACwAAC2,NAME_SEARCH,zz9", "Munich"],
    ["Nobody", "Reachable", "CEO", "Hidden", "", "https://www.linkedin.com/sales/lead/ACwAAD3,NAME_SEARCH,x", ""],
]
APOLLO = ["First Name", "Last Name", "Title", "Company", "Email", "Person Linkedin Url", "Website", "Country"]
APOLLO_ROWS = [
    ["Jane", "Doe", "VP Sales", "Acme", "jane@@acme.io", "", "https://acme.io", "US"],
    ["John", "Roe", "CTO", "Roe Labs", "john.roe@", "https://linkedin.com/in/john-roe", "", "US"],
    ["Mia", "Wong", "CEO", "Wong Co", "mia@wong.co", "", "wong.co", "US"],
    ["Lost", "Cause", "CFO", "Nowhere", "lost@@", "", "", "US"],
]


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_a_sales_navigator_export_keeps_every_row_with_a_website_and_its_sales_navigator_link(
        db: Session, tmp_path: Path) -> None:
    report = import_leads(db, write(tmp_path, "salesnav.csv", csv_text(SALES_NAVIGATOR, SALES_ROWS)))
    assert (report.rows_read, report.inserted, report.rejected) == (4, 3, 1)
    assert [r.message() for r in report.rejections] == [
        "line 5: linkedin_url: a Sales Navigator link, not a public profile, and no email or website"]
    stored = {lead.last_name: lead for lead in db.scalars(select(LeadDB))}
    assert stored["Flowers"].sales_navigator_url == "https://www.linkedin.com/sales/lead/ACwAAB1,NAME_SEARCH,q7Yz"
    assert (stored["Flowers"].linkedin_url, stored["Flowers"].website) == (None, "globex.com")
    assert stored["Meyer"].sales_navigator_url == "https://www.linkedin.com/sales/people/ACwAAC2,NAME_SEARCH,zz9"
    assert stored["Phillips"].linkedin_url == "https://www.linkedin.com/in/rebecca-phillips-8ec73456/"
    assert stored["Phillips"].sales_navigator_url is None


def test_an_apollo_export_with_invalid_emails_keeps_every_reachable_row_and_lists_the_dropped_emails(
        db: Session, tmp_path: Path) -> None:
    report = import_leads(db, write(tmp_path, "apollo.csv", csv_text(APOLLO, APOLLO_ROWS)))
    assert (report.rows_read, report.inserted, report.rejected, report.flagged) == (4, 3, 1, 2)
    assert [(f.line, f.field, f.reason.split(":")[0], f.reason.endswith("; left out")) for f in report.flags] == [
        (2, "email", "not a valid address", True), (3, "email", "not a valid address", True)]
    assert [(r.line, r.field) for r in report.rejections] == [(5, "email")]
    assert summary_line(report) == "read 4, inserted 3, merged 0, rejected 1, fields left out or cut 2"
    stored = {lead.last_name: (lead.email, lead.website, lead.linkedin_url) for lead in db.scalars(select(LeadDB))}
    assert stored == {"Doe": (None, "acme.io", None), "Roe": (None, None, "https://www.linkedin.com/in/john-roe/"),
                      "Wong": ("mia@wong.co", "wong.co", None)}


def test_a_utf8_file_with_one_bad_byte_near_the_end_keeps_its_accents_and_names_the_line(
        db: Session, tmp_path: Path) -> None:
    rows = "".join(f"Jérôme,Doe{i},j{i}@acme.io\n" for i in range(20_000))
    body = ("First Name,Last Name,Email\n" + rows).encode() + b"Bad\xff,Byte,bad@acme.io\n"
    report = import_leads(db, write(tmp_path, "big.csv", body), ImportOptions(write_rejects=False))
    assert (report.encoding, report.warnings, report.inserted) == ("utf-8", [], 20_001)
    assert [f.message() for f in report.flags] == [
        "line 20002: not valid UTF-8: the bad bytes were read as U+FFFD (�)"]
    names = set(db.scalars(select(LeadDB.first_name)))
    assert names == {"Jérôme", "Bad\ufffd"}


def test_a_ten_megabyte_field_is_cut_and_an_over_wide_row_refused_each_by_its_line(
        db: Session, tmp_path: Path) -> None:
    text = ("Email,Notes\njane@acme.io," + "x" * 10_000_000 + "\nmia@wong.co,short\njohn@roe.io,a,"
            + ",".join(["y"] * 100_000) + "\n")
    options = ImportOptions(write_rejects=False, max_columns=500, max_field_chars=1000)
    report = import_leads(db, write(tmp_path, "huge.csv", text), options)
    assert (report.inserted, report.rejected) == (2, 1)
    assert [f.message() for f in report.flags] == ["line 2: Notes: too long (10000000 characters); cut to 1000"]
    assert [r.message() for r in report.rejections] == [
        "line 4: 100002 columns, more than the 500 allowed (AICMO_IMPORT_MAX_COLUMNS)"]
    notes = db.scalar(select(LeadDB.custom_fields).where(LeadDB.email == "jane@acme.io"))
    assert notes == {"Notes": "x" * 1000}


def test_the_column_and_field_caps_come_from_the_settings(db: Session, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AICMO_IMPORT_MAX_COLUMNS", "3")
    monkeypatch.setenv("AICMO_IMPORT_MAX_FIELD_CHARS", "4")
    get_settings.cache_clear()
    try:
        report = ops.import_leads(db, write(tmp_path, "caps.csv",
                                            "Email,Notes\njane@acme.io,abcdefgh\nmia@wong.co,a,b,c\n"))
    finally:
        get_settings.cache_clear()
    assert [f.message() for f in report.flags] == ["line 2: Notes: too long (8 characters); cut to 4"]
    assert [r.message() for r in report.rejections] == [
        "line 3: 4 columns, more than the 3 allowed (AICMO_IMPORT_MAX_COLUMNS)"]
