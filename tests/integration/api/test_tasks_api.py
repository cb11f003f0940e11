"""The operator-task queue over the REST API, LinkedIn steps and contact forms alike, on the real app over HTTP
(SQLite and PostgreSQL): one family of routes with a kind filter, and /api/form-tasks as those routes for forms."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from aicmo import operator_services as ops
from aicmo.cam.outreach.domain import Channel, SendStatus
from tests.integration.api.conftest import Api
from tests.integration.cam.outreach.tasks.builders import (
    BODY,
    hand_to_operator,
    lead_behind_captcha,
    lead_on_linkedin,
    leave_to_operator,
)
from tests.support.form_site import FormSite


@pytest.fixture
def site() -> Iterator[FormSite]:
    with FormSite() as running:
        yield running


@pytest.fixture
async def both(api: Api, site: FormSite) -> tuple[int, int]:
    """A contact form left to the operator, then a LinkedIn step handed to them: (form task, LinkedIn task)."""
    with api.sessions() as db:
        jane, lin = lead_behind_captcha(db, site), lead_on_linkedin(db)
    return await leave_to_operator(api.sessions, jane), await hand_to_operator(api.sessions, lin)


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def test_one_list_holds_every_kind_in_its_shape_and_the_kind_filters(api: Api, site: FormSite,
                                                                     both: tuple[int, int]) -> None:
    form, linkedin = both

    listed = api.client.get("/api/tasks").json()
    assert [(t["id"], t["task_kind"], t["status"]) for t in listed] == [(form, "form", "open"),
                                                                      (linkedin, "linkedin", "open")]
    assert (listed[0]["form_url"], listed[0]["body"]) == (site.url("/contact"), BODY)
    assert (listed[1]["kind"], listed[1]["profile_url"]) == (
        "connection_request", "https://www.linkedin.com/in/lin-kedin/")
    for kind, expected in (("form", [form]), ("linkedin", [linkedin]), ("all", [form, linkedin])):
        assert [t["id"] for t in api.client.get("/api/tasks", params={"kind": kind}).json()] == expected
    assert api.client.get(f"/api/tasks/{linkedin}").json()["task_kind"] == "linkedin"
    assert problem(api.client.get("/api/tasks", params={"kind": "fax"}), 422)["field"] == "query.kind"


def test_done_and_failed_close_either_kind_recording_the_attempt_of_its_channel(
        api: Api, both: tuple[int, int]) -> None:
    form, linkedin = both

    done = api.client.post(f"/api/tasks/{form}/done", json={"detail": "sent it myself"}).json()
    failed = api.client.post(f"/api/tasks/{linkedin}/failed", json={"detail": "profile gone"}).json()

    assert (done["task_kind"], done["status"], failed["task_kind"], failed["status"]) == (
        "form", "done", "linkedin", "failed")
    with api.sessions() as db:
        assert [(a.channel, a.status, a.detail) for a in ops.get_outreach_history(db, done["lead_id"])] == [
            (Channel.CONTACT_FORM, SendStatus.SENT, "sent by hand: sent it myself")]
        assert [(a.channel, a.status, a.detail) for a in ops.get_outreach_history(db, failed["lead_id"])] == [
            (Channel.LINKEDIN, SendStatus.FAILED, "profile gone")]
    assert api.client.get("/api/tasks").json() == []
    assert [t["status"] for t in api.client.get("/api/tasks", params={"status": "all"}).json()] == [
        "done", "failed"]
    assert problem(api.client.post(f"/api/tasks/{form}/failed"), 409)["title"] == "FormTaskAlreadyClosed"
    assert problem(api.client.post(f"/api/tasks/{linkedin}/done"), 409)["title"] == "TaskAlreadyClosed"
    assert problem(api.client.get("/api/tasks/404"), 404)["detail"] == "task 404 not found"


def test_the_form_task_routes_are_the_same_routes_for_forms_only(api: Api, both: tuple[int, int]) -> None:
    form, linkedin = both

    assert [t["id"] for t in api.client.get("/api/form-tasks").json()] == [form]
    assert problem(api.client.get(f"/api/form-tasks/{linkedin}"), 404)["title"] == "FormTaskNotFound"
    assert problem(api.client.post(f"/api/form-tasks/{linkedin}/done"), 404)["title"] == "FormTaskNotFound"
    assert api.client.post(f"/api/form-tasks/{form}/done").json()["status"] == "done"
    assert api.client.get(f"/api/tasks/{linkedin}").json()["status"] == "open"
    operations = api.client.get("/openapi.json").json()["paths"]
    assert operations["/api/form-tasks"]["get"]["deprecated"] is True
    assert "deprecated" not in operations["/api/tasks"]["get"]


def test_the_routes_need_a_key(api: Api, both: tuple[int, int]) -> None:
    form, _ = both
    for response in (api.anonymous.get("/api/tasks"), api.anonymous.get(f"/api/tasks/{form}"),
                     api.anonymous.post(f"/api/tasks/{form}/done"), api.anonymous.post(f"/api/tasks/{form}/failed")):
        assert problem(response, 401)["detail"].startswith("a valid API key is needed")
    assert api.client.get(f"/api/tasks/{form}").json()["status"] == "open"
