"""Uploading a lead file: imported in a background thread, followed on its page, summarised with every rejection."""

import time

import httpx
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.web.dashboard.imports import ImportJob, safe_name
from tests.factories import APOLLO_MIN_HEADERS, csv_text
from tests.integration.web.dashboard.support import csrf_of

WAIT_LIMIT = 30.0  # seconds; a bound on waiting for the import thread, not something measured

ROWS = [
    ["Ada", "Lovelace", "CTO", "Engines", "ada@engines.io", "", "engines.io", "200", "software", "GB"],
    ["Alan", "Turing", "Intern", "Bletchley", "alan@bletchley.uk", "", "", "20", "", "GB"],
    ["Grace", "Hopper", "VP Engineering", "Cobol Inc", "", "https://www.linkedin.com/in/grace-hopper", "",
     "500", "software", "US"],
    ["No", "Contact", "CEO", "Nowhere", "", "", "", "", "", ""],
    ["Ada", "Lovelace", "CTO", "Engines", "ADA@engines.io", "", "", "", "", ""],
]


def upload(client: httpx.Client, name: str, content: bytes) -> httpx.Response:
    token = csrf_of(client.get("/leads"))
    return client.post("/leads/import", data={"csrf_token": token}, files={"file": (name, content, "text/csv")})


def finished(client: httpx.Client, job_page: str) -> httpx.Response:
    """The job's page once the import is over (the page reloads itself until then)."""
    deadline = time.monotonic() + WAIT_LIMIT
    page = client.get(job_page)
    while 'data-state="running"' in page.text and time.monotonic() < deadline:
        time.sleep(0.05)
        page = client.get(job_page)
    return page


def test_an_uploaded_csv_is_imported_and_its_summary_lists_every_rejected_row(operator: httpx.Client,
                                                                             db: Session) -> None:
    response = upload(operator, "apollo export.csv", csv_text(APOLLO_MIN_HEADERS, ROWS).encode())

    assert response.status_code == 303 and "/app/leads/imports/" in response.headers["location"]
    page = finished(operator, response.headers["location"].removeprefix("/app"))
    assert 'data-state="done"' in page.text
    assert '<td class="num" id="rows-read">5</td>' in page.text
    assert '<td class="num" id="inserted">3</td>' in page.text and '<td class="num" id="merged">1</td>' in page.text
    assert '<td class="num" id="rejected">1</td>' in page.text
    assert '<tr><td class="num">5</td>' in page.text  # the row without email, LinkedIn or website, by its line
    leads = ops.list_leads(db).items
    assert sorted(lead.full_name for lead in leads) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert {lead.source for lead in leads} == {"import:apollo export.csv"}


def test_a_file_that_is_not_a_lead_file_fails_with_the_reason(operator: httpx.Client, db: Session) -> None:
    response = upload(operator, "leads.csv", b"PK\x03\x04" + bytes(64))

    page = finished(operator, response.headers["location"].removeprefix("/app"))

    assert 'data-state="failed"' in page.text and "The import failed" in page.text
    assert ops.list_leads(db).total == 0


def test_an_unknown_import_is_not_found(operator: httpx.Client) -> None:
    assert operator.get("/leads/imports/nope").status_code == 404


def test_progress_counts_the_rows_of_the_batches_committed_so_far() -> None:
    job = ImportJob(id="j", file_name="leads.csv", batch_size=500)
    assert (job.rows_read, job.percent) == (0, 0)

    job.progress(4_000, 10_000)
    job.progress(8_000, 10_000)

    assert (job.rows_read, job.percent) == (1000, 80)


def test_an_uploaded_file_keeps_only_its_own_name() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\me\\Apollo leads.csv") == "Apollo leads.csv"
    assert safe_name("<b>.csv") == "_b_.csv"
    assert safe_name(None) == safe_name("..") == "upload.csv"
