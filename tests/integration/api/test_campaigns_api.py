"""Campaigns over the REST API, on the real app over HTTP (SQLite and PostgreSQL): create, start, read, control."""

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from aicmo import operator_services as ops
from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.db.base import utcnow
from tests.factories import make_lead
from tests.integration.api.conftest import Api
from tests.support.history import answered, sent

CAMPAIGN: dict[str, Any] = {
    "name": "Q4 outbound",
    "audience": {"statuses": ["new"]},
    "steps": [{"channels": ["email"], "subject": "Hi {{ first_name | default('there') }}",
               "body": "Saw {{ company }}."},
              {"channels": ["linkedin"], "delay_hours": 72, "body": "Connecting after my email."}],
    "send_window": {"always": True},
}


def add_lead(api: Api, first_name: str) -> int:
    with api.sessions() as db:
        return ops.create_lead(db, LeadCreate(**make_lead(first_name=first_name,
                                                          email=f"{first_name.lower()}@acme.io"))).id


def create(api: Api, **changes: Any) -> dict[str, Any]:
    response = api.client.post("/api/campaigns", json=CAMPAIGN | changes)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def mark_replied(api: Api, lead_id: int) -> None:
    """The lead's email went out and the lead answered it, recorded as the send engine and the inbox record them."""
    with api.sessions() as db:
        message = db.scalars(select(OutreachMessageDB).where(OutreachMessageDB.lead_id == lead_id)).one()
        sent(db, message, utcnow())
        answered(db, message, InboundKind.REPLY, utcnow(), text="Thanks, not now.")
        db.commit()


def assert_problem(response: httpx.Response, status: int, title: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and (title is None or body["title"] == title)
    return body


def test_a_started_campaign_reports_its_leads_messages_and_funnel(api: Api) -> None:
    add_lead(api, "Jane")
    amy = add_lead(api, "Amy")
    campaign = create(api)
    assert (campaign["status"], len(campaign["steps"])) == ("draft", 2)
    assert api.client.get(f"/api/campaigns/{campaign['id']}").json() == campaign
    assert [c["name"] for c in api.client.get("/api/campaigns").json()] == ["Q4 outbound"]

    started = api.client.post(f"/api/campaigns/{campaign['id']}/start")
    assert started.status_code == 200, started.text
    assert (started.json()["joined"], started.json()["campaign"]["status"]) == (2, "running")
    mark_replied(api, amy)

    status = api.client.get(f"/api/campaigns/{campaign['id']}/status").json()
    assert (status["leads"], status["by_status"], status["by_channel"]) == (2, {"pending": 1, "replied": 1},
                                                                            {"email": 1})
    report = api.client.get(f"/api/campaigns/{campaign['id']}/report").json()
    total = report["total"]
    assert (total["messages"], total["queued"], total["reached"], total["replied"]) == (2, 1, 1, 1)
    assert (total["reply_rate"], total["bounce_rate"]) == (1.0, 0.0)
    assert [(f["key"], f["messages"]) for f in report["by_channel"]] == [("email", 2)]
    assert [(f["key"], f["replied"]) for f in report["by_variant"]] == [("step 1", 1)]
    assert sum(f["messages"] for f in report["by_grade"]) == 2


def test_starting_again_enrols_only_the_leads_added_since(api: Api) -> None:
    add_lead(api, "Jane")
    campaign = create(api)
    assert api.client.post(f"/api/campaigns/{campaign['id']}/start").json()["joined"] == 1
    assert api.client.post(f"/api/campaigns/{campaign['id']}/start").json()["joined"] == 0
    add_lead(api, "Amy")
    assert api.client.post(f"/api/campaigns/{campaign['id']}/start").json()["joined"] == 1


def test_channel_metrics_count_a_campaigns_messages_per_channel(api: Api) -> None:
    add_lead(api, "Jane")
    amy = add_lead(api, "Amy")
    campaign = create(api)
    api.client.post(f"/api/campaigns/{campaign['id']}/start")
    mark_replied(api, amy)
    metrics = api.client.get("/api/metrics/channels", params={"campaign_id": campaign["id"], "days": 7}).json()
    email = next(m for m in metrics if m["channel"] == "email")
    assert (email["messages"], email["sent"], email["replied"], email["reply_rate"]) == (2, 1, 1, 1.0)
    assert all(m["messages"] == m["sent"] == 0 for m in metrics if m["channel"] != "email")
    other = api.client.get("/api/metrics/channels", params={"campaign_id": campaign["id"] + 1}).json()
    assert all(m["messages"] == m["sent"] == m["replied"] == 0 for m in other)
    assert assert_problem(api.client.get("/api/metrics/channels", params={"days": 0}), 422)["field"] == "query.days"


def test_pause_resume_and_stop_move_the_campaign_through_its_states(api: Api) -> None:
    add_lead(api, "Jane")
    campaign_id = create(api)["id"]
    assert assert_problem(api.client.post(f"/api/campaigns/{campaign_id}/pause"), 409, "CampaignStateError")
    api.client.post(f"/api/campaigns/{campaign_id}/start")
    assert api.client.post(f"/api/campaigns/{campaign_id}/pause").json()["status"] == "paused"
    assert_problem(api.client.post(f"/api/campaigns/{campaign_id}/pause"), 409, "CampaignStateError")
    assert api.client.post(f"/api/campaigns/{campaign_id}/resume").json()["status"] == "running"
    assert_problem(api.client.post(f"/api/campaigns/{campaign_id}/resume"), 409, "CampaignStateError")

    stopped = api.client.post(f"/api/campaigns/{campaign_id}/stop").json()
    assert (stopped["cancelled"], stopped["campaign"]["status"]) == (1, "stopped")
    status = api.client.get(f"/api/campaigns/{campaign_id}/status").json()
    assert status["by_status"] == {"cancelled": 1}
    for action in ("start", "pause", "resume"):
        body = assert_problem(api.client.post(f"/api/campaigns/{campaign_id}/{action}"), 409, "CampaignStateError")
        assert "stopped" in body["detail"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": ""}, "name"),
    ({"steps": []}, "steps"),
    ({"steps": [{"channels": ["email", "email"], "body": "Hi"}]}, "steps.0.channels"),
    ({"steps": [{"channels": ["fax"], "body": "Hi"}]}, "steps.0.channels.0"),
    ({"steps": [{"body": "Hi {{ first_name"}]}, "steps.0"),  # a template that does not parse
    ({"audience": {"grades": ["Z"]}}, "audience.grades.0"),
    ({"colour": "blue"}, "colour"),
])
def test_an_invalid_campaign_is_refused_naming_the_field(api: Api, changes: dict[str, Any], field: str) -> None:
    body = assert_problem(api.client.post("/api/campaigns", json=CAMPAIGN | changes), 422)
    assert body["field"] == field
    assert api.client.get("/api/campaigns").json() == []


def test_a_second_campaign_with_the_same_name_is_refused(api: Api) -> None:
    create(api)
    assert assert_problem(api.client.post("/api/campaigns", json=CAMPAIGN), 422, "InvalidCampaign")["field"] == "name"


@pytest.mark.parametrize("path", ["", "/start", "/pause", "/resume", "/stop", "/status", "/report"])
def test_an_unknown_campaign_is_not_found(api: Api, path: str) -> None:
    send = api.client.get if path in ("", "/status", "/report") else api.client.post
    assert_problem(send(f"/api/campaigns/404{path}"), 404, "CampaignNotFound")


def test_an_id_beyond_the_id_columns_is_invalid_not_a_server_error(api: Api) -> None:
    assert assert_problem(api.client.get(f"/api/campaigns/{2**31}"), 422)["field"] == "path.campaign_id"


def test_campaign_routes_need_an_api_key(api: Api) -> None:
    assert_problem(api.anonymous.get("/api/campaigns"), 401)
    assert_problem(api.anonymous.post("/api/campaigns", json=CAMPAIGN), 401)
    with api.sessions() as db:
        assert ops.list_campaigns(db) == []


def test_a_step_takes_an_html_or_markdown_part_and_a_bad_one_is_a_422_naming_the_step(api: Api) -> None:
    steps = [{"channels": ["email"], "subject": "Hi", "body": "Hi {{ first_name }}",
              "markdown": "Hi **{{ first_name }}**"}]
    created = create(api, name="With HTML", steps=steps)
    assert created["steps"][0]["markdown"] == "Hi **{{ first_name }}**" and created["steps"][0]["html"] is None
    both = api.client.post("/api/campaigns", json=CAMPAIGN | {"name": "Both", "steps": [steps[0] | {"html": "<p/>"}]})
    body = assert_problem(both, 422)
    assert body["field"] == "steps.0" and "not both" in str(body)
