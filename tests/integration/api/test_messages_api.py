"""Messages over real HTTP, on SQLite and PostgreSQL: queue one to a lead, list, read and retry them, and see a
lead's history, with the real worker delivering in between."""

import asyncio
from typing import Any

import httpx
import pytest

from aicmo.cam.outreach.linkedin.channel import LinkedInOutreachService
from aicmo.cam.outreach.linkedin.tasks import TaskProvider
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.worker.loop import Worker
from aicmo.settings import Settings
from tests.integration.api.conftest import Api, add_lead
from tests.integration.api.test_leads_api import problem_of


def send(api: Api, lead_id: int, **body: Any) -> httpx.Response:
    return api.client.post(f"/api/leads/{lead_id}/send", json={"subject": "Hi", "body": "Hello", **body})


def sent(api: Api, lead_id: int, **body: Any) -> dict[str, Any]:
    response = send(api, lead_id, **body)
    assert response.status_code == 202, response.text
    message: dict[str, Any] = response.json()
    return message


def work_once(api: Api) -> None:
    """One pass of the real worker: LinkedIn steps become operator tasks; email and contact forms are not set up."""
    registry = ChannelRegistry([LinkedInOutreachService(api.sessions, TaskProvider())])

    async def run() -> None:
        try:
            await Worker(api.sessions, registry, settings=Settings()).run(once=True)
        finally:
            await registry.aclose()

    asyncio.run(run())


def messages(api: Api, **params: Any) -> list[dict[str, Any]]:
    response = api.client.get("/api/messages", params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


@pytest.fixture
def worked(api: Api) -> dict[str, dict[str, Any]]:
    """Three leads, one message each, after one worker pass: Jane's email is skipped and LinkedIn takes it, Ann's
    goes straight to LinkedIn, Bo's contact form is not set up so it is skipped."""
    jane = add_lead(api, linkedin_url="https://www.linkedin.com/in/jane-doe")
    ann = add_lead(api, email="ann@beta.io", first_name="Ann", website="beta.io",
                   linkedin_url="https://www.linkedin.com/in/ann")
    bo = add_lead(api, email="bo@gamma.io", first_name="Bo", website="gamma.io")
    queued = {"jane": sent(api, jane["id"], channels=["email", "linkedin"]),
              "ann": sent(api, ann["id"], channels=["linkedin"]),
              "bo": sent(api, bo["id"], channels=["contact_form"])}
    work_once(api)
    return {name: api.client.get(f"/api/messages/{message['id']}").json() for name, message in queued.items()}


def test_send_queues_the_message_for_the_worker_and_answers_it(api: Api) -> None:
    lead = add_lead(api)
    message = sent(api, lead["id"], subject="Quick question", body="Hello Jane", channels=["linkedin", "email"])
    assert (message["lead_id"], message["status"], message["attempts"]) == (lead["id"], "pending", 0)
    assert (message["subject"], message["body"]) == ("Quick question", "Hello Jane")
    assert (message["channel_order"], message["channel"]) == (["linkedin", "email"], "linkedin")
    assert api.client.get(f"/api/messages/{message['id']}").json() == message
    assert messages(api) == [message]


def test_send_tries_every_channel_in_the_default_order_unless_told(api: Api) -> None:
    message = sent(api, add_lead(api)["id"], subject=None)
    assert message["channel_order"] == ["email", "linkedin", "contact_form"] and message["subject"] is None


@pytest.mark.parametrize(("body", "field"), [
    ({"body": "  \n "}, "body"),
    ({"body": ""}, "body"),
    ({"body": None}, "body"),
    ({"channels": []}, "channels"),
    ({"channels": ["email", "email"]}, "channels"),
    ({"channels": ["fax"]}, "channels.0"),
    ({"cc": "boss@acme.io"}, "cc"),
    ({"body": "Hi\x00there"}, "body"),  # PostgreSQL stores no NUL
    ({"subject": "\x00"}, "subject"),
])
def test_an_invalid_message_is_a_422_naming_the_field_and_queues_nothing(api: Api, body: dict[str, Any],
                                                                         field: str) -> None:
    lead = add_lead(api)
    assert problem_of(send(api, lead["id"], **body), 422)["field"] == field
    assert messages(api) == []


def test_the_worker_outcome_shows_on_each_message(worked: dict[str, dict[str, Any]]) -> None:
    assert {name: (m["status"], m["channel"]) for name, m in worked.items()} == {
        "jane": ("sent", "linkedin"), "ann": ("sent", "linkedin"), "bo": ("skipped", "contact_form")}
    assert "not configured" in worked["bo"]["last_error"]


def test_lists_messages_by_status_channel_and_lead_newest_first(api: Api, worked: dict[str, dict[str, Any]]) -> None:
    jane, ann, bo = worked["jane"], worked["ann"], worked["bo"]
    assert messages(api) == [bo, ann, jane]
    assert messages(api, status="skipped") == [bo]
    assert messages(api, status=["sent", "skipped"]) == [bo, ann, jane]
    assert messages(api, status="pending") == []
    assert messages(api, channel="linkedin") == [ann, jane]
    assert messages(api, lead_id=jane["lead_id"]) == [jane]
    assert messages(api, channel="linkedin", lead_id=bo["lead_id"]) == []
    assert messages(api, campaign_id=1) == []  # none of them belongs to a campaign
    assert messages(api, limit=2) == [bo, ann]


@pytest.mark.parametrize(("params", "field"), [
    ({"status": "lost"}, "query.status.0"), ({"channel": "fax"}, "query.channel"), ({"limit": 0}, "query.limit"),
    ({"limit": 1001}, "query.limit"), ({"lead_id": "one"}, "query.lead_id"),
])
def test_a_bad_message_filter_is_a_422_naming_the_parameter(api: Api, params: dict[str, Any], field: str) -> None:
    assert problem_of(api.client.get("/api/messages", params=params), 422)["field"] == field


def test_retry_queues_a_skipped_message_again_and_refuses_one_that_was_sent(
        api: Api, worked: dict[str, dict[str, Any]]) -> None:
    retried = api.client.post(f"/api/messages/{worked['bo']['id']}/retry")
    assert retried.status_code == 200, retried.text
    assert (retried.json()["status"], retried.json()["channel"]) == ("pending", "contact_form")
    assert messages(api, status="pending") == [retried.json()]
    for refused, why in ((worked["bo"]["id"], "it is already on its way"),  # now pending
                         (worked["ann"]["id"], "so sending it again would send it twice")):  # handed over
        body = problem_of(api.client.post(f"/api/messages/{refused}/retry"), 409)
        assert why in body["detail"]


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/messages/{id}"), ("POST", "/api/messages/{id}/retry")])
def test_an_unknown_message_is_a_404_problem_and_a_malformed_id_a_422(api: Api, method: str, path: str) -> None:
    missing = "6d1f2a4e-0000-4000-8000-000000000000"
    body = problem_of(api.client.request(method, path.format(id=missing)), 404)
    assert body["detail"] == f"message {missing} not found"
    for malformed in ("not%00an-id", "x" * 37):
        assert problem_of(api.client.request(method, path.format(id=malformed)), 422)["field"] == "path.message_id"


def test_a_leads_history_and_timeline_show_every_attempt_in_order(api: Api,
                                                                  worked: dict[str, dict[str, Any]]) -> None:
    jane = worked["jane"]
    history = api.client.get(f"/api/leads/{jane['lead_id']}/history").json()
    assert [(a["channel"], a["status"], a["message_id"]) for a in history] == [
        ("email", "skipped", jane["id"]), ("linkedin", "pending", jane["id"])]
    assert history[0]["detail"] == "the email channel is not configured"
    assert len(api.client.get(f"/api/leads/{jane['lead_id']}/history", params={"limit": 1}).json()) == 1
    timeline = api.client.get(f"/api/leads/{jane['lead_id']}/timeline").json()
    assert [(entry["direction"], entry["kind"]) for entry in timeline] == [("out", "email"), ("out", "linkedin")]
    assert [entry["at"] for entry in timeline] == sorted(entry["at"] for entry in timeline)
    bo_history = api.client.get(f"/api/leads/{worked['bo']['lead_id']}/history").json()
    assert [(a["channel"], a["status"]) for a in bo_history] == [("contact_form", "skipped")]
