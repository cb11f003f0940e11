"""Leads and grading over real HTTP, on SQLite and PostgreSQL."""

import tomllib
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.factories import csv_text
from tests.integration.api.conftest import Api, add_lead

PROBLEM = "application/problem+json"


def problem_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def test_creates_a_lead_normalised_and_graded_and_reads_it_back(api: Api) -> None:
    created = add_lead(api, email=" Jane@ACME.io ", linkedin_url="linkedin.com/in/jane-doe?trk=x", tags=["vip"])
    assert created["email"] == "jane@acme.io"
    assert created["linkedin_url"] == "https://www.linkedin.com/in/jane-doe/"
    assert created["company_domain"] == "acme.io" and created["tags"] == ["vip"]
    assert created["grade"] in {"A", "B", "C", "D"} and created["grade_reasons"]
    assert api.client.get(f"/api/leads/{created['id']}").json() == created


def test_a_duplicate_lead_is_a_409_naming_the_stored_one(api: Api) -> None:
    stored = add_lead(api)
    body = problem_of(api.client.post("/api/leads", json={"email": "JANE@acme.io"}), 409)
    assert f"(id {stored['id']})" in body["detail"] and "email" in body["detail"]


@pytest.mark.parametrize(("fields", "field"), [
    ({"email": "jane-at-acme.io"}, "email"),
    ({"first_name": "Jane"}, None),  # no email, LinkedIn profile or website: no way to reach her
    ({"email": "jane@acme.io", "nickname": "JD"}, "nickname"),
    ({"email": "jane@acme.io", "company_size": [1]}, "company_size"),
    ({"email": "jane@acme.io", "first_name": "J" * 201}, "first_name"),  # longer than PostgreSQL's column
    ({"email": "jane@acme.io", "city": "Par\x00is"}, "city"),  # PostgreSQL stores no NUL
    ({"email": "jane@acme.io", "custom_fields": {"note": "a\x00b"}}, "note"),
])
def test_an_invalid_lead_is_a_422_naming_the_field_at_fault(api: Api, fields: dict[str, Any],
                                                            field: str | None) -> None:
    body = problem_of(api.client.post("/api/leads", json=fields), 422)
    assert body["field"] == field or body["field"].startswith(f"{field}.")
    assert api.client.get("/api/leads").json()["total"] == 0


@pytest.mark.parametrize(("content", "place"), [
    (b'{"email"}', "line 1, column 9"),
    (b'{\n  "email": "jane@acme.io",\n  oops\n}', "line 3, column 3"),
    (b'{"tags": ["a", "b"', "line 1, column 19"),
])
def test_a_body_that_is_not_json_is_a_422_saying_where_it_breaks(api: Api, content: bytes, place: str) -> None:
    response = api.client.post("/api/leads", content=content, headers={"Content-Type": "application/json"})
    body = problem_of(response, 422)
    assert (body["detail"], body["field"]) == (f"body is not valid JSON: {place}", None)
    assert body["errors"] == [{"field": None, "message": f"body is not valid JSON: {place}"}]


def test_a_wrong_value_in_valid_json_still_names_its_field(api: Api) -> None:
    body = problem_of(api.client.post("/api/leads", json={"email": "jane-at-acme.io"}), 422)
    assert (body["field"], body["detail"].split(":")[0]) == ("email", "email")


def test_an_update_changes_only_the_fields_given_and_regrades(api: Api) -> None:
    lead = add_lead(api, title="Intern")
    changed = api.client.patch(f"/api/leads/{lead['id']}", json={"title": "CTO", "status": "interested"})
    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert (after["title"], after["status"], after["email"]) == ("CTO", "interested", lead["email"])
    assert after["score"] > lead["score"]
    assert api.client.get(f"/api/leads/{lead['id']}").json() == after


def test_an_update_that_would_duplicate_another_lead_is_a_409(api: Api) -> None:
    add_lead(api)
    other = add_lead(api, email="john@beta.io", first_name="John", website="beta.io")
    body = problem_of(api.client.patch(f"/api/leads/{other['id']}", json={"email": "jane@acme.io"}), 409)
    assert "email" in body["detail"]
    assert api.client.get(f"/api/leads/{other['id']}").json()["email"] == "john@beta.io"


def test_deleting_a_lead_erases_it_and_frees_its_email(api: Api) -> None:
    lead = add_lead(api)
    deleted = api.client.delete(f"/api/leads/{lead['id']}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    problem_of(api.client.get(f"/api/leads/{lead['id']}"), 404)
    assert add_lead(api)["email"] == lead["email"]  # no trace of it blocks the same lead again


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/api/leads/{id}", None), ("PATCH", "/api/leads/{id}", {"title": "CTO"}),
    ("DELETE", "/api/leads/{id}", None), ("GET", "/api/leads/{id}/timeline", None),
    ("GET", "/api/leads/{id}/history", None), ("POST", "/api/leads/{id}/send", {"body": "Hi"}),
    ("POST", "/api/grading/regrade?lead_id={id}", None),
])
def test_an_unknown_lead_is_a_404_problem(api: Api, method: str, path: str, body: dict[str, Any] | None) -> None:
    lead = add_lead(api)
    missing = lead["id"] + 1
    response = api.client.request(method, path.format(id=missing), json=body)
    assert problem_of(response, 404)["detail"] == f"lead {missing} not found"


def test_filters_by_grade_status_tag_and_text_together_or_alone(api: Api) -> None:
    leads = [add_lead(api), add_lead(api, email="ann@beta.io", first_name="Ann", title="Intern", website="beta.io",
                                     tags=["conference"]),
             add_lead(api, email="bo@gamma.io", first_name="Bo", title="CTO", company_name="Gamma Labs",
                      website="gamma.io", tags="conference;vip")]
    leads[2] = api.client.patch(f"/api/leads/{leads[2]['id']}", json={"status": "interested"}).json()

    def ids(**params: Any) -> list[int]:
        response = api.client.get("/api/leads", params={"sort": "id", **params})
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(page["items"])
        return [lead["id"] for lead in page["items"]]

    for grade in {lead["grade"] for lead in leads}:
        assert ids(grade=grade) == [lead["id"] for lead in leads if lead["grade"] == grade]
    assert ids(grade=["A", "B", "C", "D"]) == [lead["id"] for lead in leads]
    assert ids(status="interested") == [leads[2]["id"]]
    assert ids(status=["new", "interested"]) == [lead["id"] for lead in leads]
    assert ids(tag="conference") == [leads[1]["id"], leads[2]["id"]]
    assert ids(q="gamma labs") == ids(q="GAMMA.IO") == ids(q="bo@") == [leads[2]["id"]]
    assert ids(q="jane doe") == [leads[0]["id"]]
    assert ids(tag="conference", status="new") == [leads[1]["id"]]
    assert ids(tag="nobody") == []
    assert problem_of(api.client.get("/api/leads", params={"status": "asleep"}), 422)["field"] == "query.status.0"


def test_pages_are_consecutive_slices_each_with_the_total(api: Api) -> None:
    created = [add_lead(api, email=f"lead{n}@acme.io", first_name=f"Lead{n}", linkedin_url=None)["id"]
               for n in range(5)]
    pages = [api.client.get("/api/leads", params={"per_page": 2, "page": page, "sort": "id"}).json()
             for page in (1, 2, 3, 4)]
    assert [[lead["id"] for lead in page["items"]] for page in pages] == [created[:2], created[2:4], created[4:], []]
    assert {(page["total"], page["page_size"]) for page in pages} == {(5, 2)}
    assert [page["page"] for page in pages] == [1, 2, 3, 4]
    best_first = api.client.get("/api/leads").json()["items"]
    assert [lead["score"] for lead in best_first] == sorted((lead["score"] for lead in best_first), reverse=True)


@pytest.mark.parametrize("params", [{"per_page": 201}, {"per_page": 0}, {"page": 0}, {"sort": "random"},
                                    {"q": "a\x00b"}, {"tag": "\x00"}, {"q": "q" * 501}])
def test_a_bad_list_parameter_is_a_422_naming_it(api: Api, params: dict[str, Any]) -> None:
    body = problem_of(api.client.get("/api/leads", params=params), 422)
    assert body["field"] == f"query.{next(iter(params))}"


def upload(api: Api, name: str, content: bytes, **form: Any) -> httpx.Response:
    return api.client.post("/api/leads/import", files={"file": (name, content)}, data=form)


APOLLO = ["First Name", "Last Name", "Title", "Company", "Email", "Website", "Country"]


def test_a_csv_upload_reports_inserted_merged_and_rejected_rows_with_their_lines(api: Api) -> None:
    add_lead(api, email="stored@acme.io", first_name="Stored", linkedin_url=None)
    content = csv_text(APOLLO, [
        ["Ann", "Lee", "CTO", "Beta", "ann@beta.io", "beta.io", "US"],  # line 2: new
        ["Bo", "Ray", "CEO", "Gamma", "not-an-email", "", "DE"],  # line 3: bad email
        ["Ann", "Lee", "CTO", "Beta", "ANN@beta.io", "", "US"],  # line 4: the same as line 2
        ["Stored", "Doe", "VP Sales", "Acme", "stored@acme.io", "", "US"],  # line 5: already stored
        ["Cy", "", "", "", "", "", "FR"],  # line 6: no way to reach
        ["Di", "Ng", "T" * 301, "Delta", "di@delta.io", "", "US"],  # line 7: kept without its over-long title
    ])
    response = upload(api, "apollo.csv", content.encode())
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["file"], report["format"], report["dry_run"]) == ("apollo.csv", "csv", False)
    assert (report["read"], report["inserted"], report["merged"], report["rejected"]) == (6, 2, 2, 2)
    assert [(r["line"], r["field"]) for r in report["rejections"]] == [(3, "email"), (6, None)]
    assert report["flagged"] == 1
    assert report["flags"] == [
        {"line": 7, "field": "title", "reason": "too long (301 characters; at most 300); left out"}]
    assert "not a valid address" in report["rejections"][0]["reason"]
    assert report["rejections"][0]["values"]["Email"] == "not-an-email"
    assert api.client.get("/api/leads", params={"q": "ann@beta.io"}).json()["items"][0]["title"] == "CTO"
    assert api.client.get("/api/leads").json()["total"] == 3


def test_a_json_upload_with_a_column_map_and_a_dry_run_stores_nothing(api: Api) -> None:
    content = b'[{"Work Mail": "ann@beta.io", "Name": "Ann Lee"}, {"Work Mail": "bo@gamma.io"}]'
    response = upload(api, "leads.json", content, map=["Work Mail=email", "Name=full_name"], dry_run="true")
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["format"], report["dry_run"], report["read"], report["inserted"]) == ("json", True, 2, 2)
    assert api.client.get("/api/leads").json()["total"] == 0
    imported = upload(api, "leads.json", content, map=["Work Mail=email", "Name=full_name"]).json()
    assert imported["inserted"] == 2
    assert api.client.get("/api/leads", params={"q": "ann"}).json()["items"][0]["last_name"] == "Lee"


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("empty.csv", b"", "empty.csv is empty"),
    ("sheet.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "Excel"),
    ("headers.csv", b"Email,First Name\n", "no data rows"),
    ("broken.json", b'[{"email": "ann@beta.io"', "broken.json"),
])
def test_an_unreadable_upload_is_a_422_naming_the_problem(api: Api, name: str, content: bytes, problem: str) -> None:
    body = problem_of(upload(api, name, content), 422)
    assert problem in body["detail"]
    assert api.client.get("/api/leads").json()["total"] == 0


def test_a_bad_column_map_is_a_422_naming_the_option(api: Api) -> None:
    body = problem_of(upload(api, "a.csv", b"Email\nann@beta.io\n", map="no equals sign"), 422)
    assert "no equals sign" in body["detail"]


def test_an_upload_without_a_file_is_a_422_naming_the_file_field(api: Api) -> None:
    body = problem_of(api.client.post("/api/leads/import", data={"dry_run": "true"}), 422)
    assert body["field"] == "file"


def test_the_grading_profile_is_read_replaced_and_used_to_regrade(profile_api: Api, profile_file: Path) -> None:
    api = profile_api
    lead = add_lead(api, title="Chief Happiness Officer")
    profile = api.client.get("/api/grading/profile").json()
    assert profile["thresholds"] == {"A": 80, "B": 60, "C": 40}
    profile["titles"]["keywords"] = ["chief happiness officer"]
    profile["titles"]["points"] = 60
    profile["titles"]["exclude"] = ['quo"te', "back\\slash", "tab\there", "del\x7f", "naïve 😀", "[x] = 1"]
    saved = api.client.put("/api/grading/profile", json=profile)
    assert saved.status_code == 200, saved.text
    assert saved.json() == profile == api.client.get("/api/grading/profile").json()
    assert tomllib.loads(profile_file.read_text("utf-8"))["titles"] == profile["titles"]
    stale = api.client.post("/api/grading/regrade", params={"stale_only": "true"})
    assert stale.json() == {"graded": 1}
    regraded = api.client.get(f"/api/leads/{lead['id']}").json()
    assert regraded["score"] == min(100, lead["score"] + 60)
    assert api.client.post("/api/grading/regrade", params={"stale_only": "true"}).json() == {"graded": 0}
    assert api.client.post("/api/grading/regrade", params={"lead_id": lead["id"]}).json() == {"graded": 1}
    assert api.client.post("/api/grading/regrade").json() == {"graded": 1}


@pytest.mark.parametrize(("change", "field"), [
    ({"thresholds": {"A": 50, "B": 60, "C": 40}}, "thresholds"),
    ({"titles": {"points": 500}}, "titles.points"),
    ({"countries": {"values": "US"}}, "countries.values"),
    ({"colour": {"points": 1}}, "colour"),
])
def test_a_bad_profile_is_a_422_naming_the_field_and_changes_nothing(profile_api: Api, profile_file: Path,
                                                                     change: dict[str, Any], field: str) -> None:
    before = profile_file.read_bytes()
    body = problem_of(profile_api.client.put("/api/grading/profile", json=change), 422)
    assert body["field"] == field
    assert profile_file.read_bytes() == before


def test_the_shipped_profile_cannot_be_replaced(api: Api) -> None:
    shipped = api.client.get("/api/grading/profile").json()
    body = problem_of(api.client.put("/api/grading/profile", json=shipped), 409)
    assert "AICMO_GRADING_PROFILE" in body["detail"]
