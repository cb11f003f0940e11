"""Contact forms left to the operator over the REST API, on the real app over HTTP (SQLite and PostgreSQL)."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from aicmo import operator_services as ops
from aicmo.cam.outreach.domain import Channel, SendStatus
from tests.integration.api.conftest import Api
from tests.integration.cam.outreach.tasks.builders import BODY, SUBJECT, lead_behind_captcha, leave_to_operator
from tests.support.form_site import FormSite


@pytest.fixture
def site() -> Iterator[FormSite]:
    with FormSite() as running:
        yield running


async def open_tasks(api: Api, site: FormSite, *names: str) -> list[int]:
    """One lead per name behind the local site's CAPTCHA form, each with the open task the channel left."""
    with api.sessions() as db:
        leads = [lead_behind_captcha(db, site, first_name=name, email=f"{name.lower()}@acme.io") for name in names]
    return [await leave_to_operator(api.sessions, lead) for lead in leads]


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


async def test_lists_open_forms_and_marks_them_done_or_failed_recording_each_attempt(api: Api, site: FormSite) -> None:
    jane_task, john_task = await open_tasks(api, site, "Jane", "John")

    listed = api.client.get("/api/form-tasks").json()
    assert [(t["id"], t["lead_name"], t["status"], t["reason"]) for t in listed] == [
        (jane_task, "Jane Doe", "open", "reCAPTCHA v2 on the form"),
        (john_task, "John Doe", "open", "reCAPTCHA v2 on the form")]
    assert (listed[0]["form_url"], listed[0]["subject"], listed[0]["body"]) == (site.url("/contact"), SUBJECT, BODY)

    done = api.client.post(f"/api/form-tasks/{jane_task}/done", json={"detail": "sent it myself"}).json()
    assert (done["status"], done["detail"]) == ("done", "sent it myself")
    failed = api.client.post(f"/api/form-tasks/{john_task}/failed", json={"detail": "form offline"}).json()
    assert (failed["status"], failed["detail"]) == ("failed", "form offline")

    assert api.client.get("/api/form-tasks").json() == []
    assert [t["status"] for t in api.client.get("/api/form-tasks", params={"status": "all"}).json()] == [
        "done", "failed"]
    assert api.client.get(f"/api/form-tasks/{john_task}").json()["status"] == "failed"
    with api.sessions() as db:
        jane = ops.get_outreach_history(db, done["lead_id"])
        john = ops.get_outreach_history(db, failed["lead_id"])
    assert [(a.channel, a.status, a.detail) for a in jane] == [
        (Channel.CONTACT_FORM, SendStatus.SENT, "sent by hand: sent it myself")]
    assert [(a.channel, a.status, a.detail) for a in john] == [
        (Channel.CONTACT_FORM, SendStatus.FAILED, "form offline")]
    assert problem(api.client.post(f"/api/form-tasks/{jane_task}/failed"), 409)["title"] == "FormTaskAlreadyClosed"


async def test_form_task_routes_need_a_key_and_errors_are_problems(api: Api, site: FormSite) -> None:
    [task] = await open_tasks(api, site, "Jane")

    for response in (api.anonymous.get("/api/form-tasks"), api.anonymous.get(f"/api/form-tasks/{task}"),
                     api.anonymous.post(f"/api/form-tasks/{task}/done"),
                     api.anonymous.post(f"/api/form-tasks/{task}/failed")):
        assert problem(response, 401)["detail"].startswith("a valid API key is needed")
    assert api.client.get(f"/api/form-tasks/{task}").json()["status"] == "open"
    assert problem(api.client.post("/api/form-tasks/404/done"), 404)["title"] == "FormTaskNotFound"
    assert problem(api.client.get("/api/form-tasks", params={"status": "lost"}), 422)["field"] == "query.status"
