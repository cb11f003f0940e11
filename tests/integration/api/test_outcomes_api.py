"""Outcomes over the REST API, and deals a CRM pushes to the signed webhook (real app over HTTP, both databases)."""

import json
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from aicmo.net.signing import SIGNATURE_HEADER, sign
from tests.integration.api.conftest import API_SETTINGS, Api, add_lead, running_api
from tests.integration.api.test_campaigns_api import assert_problem
from tests.integration.cam.attribution.seed import seed_journeys

SECRET = "crm-signing-secret"


@pytest.fixture
def crm_api(engine: Engine) -> Iterator[Api]:
    with running_api(engine, API_SETTINGS.model_copy(update={"crm_webhook_secret": SECRET})) as running:
        yield running


def signed(body: bytes, secret: str = SECRET, at: float | None = None) -> dict[str, str]:
    return {SIGNATURE_HEADER: sign(secret, body, int(at or time.time())), "content-type": "application/json"}


def test_an_outcome_is_added_listed_and_removed(api: Api) -> None:
    lead = add_lead(api)
    created = api.client.post("/api/outcomes", json={"lead_id": lead["id"], "kind": "won", "value": "950.5",
                                                     "currency": "GBP", "occurred_at": "2026-11-02T10:00:00Z"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["kind"], body["value_cents"], body["value"], body["currency"], body["source"]) == (
        "won", 95050, "950.5", "GBP", "api")
    assert [o["id"] for o in api.client.get("/api/outcomes", params={"lead_id": lead["id"]}).json()] == [body["id"]]
    assert api.client.get("/api/outcomes", params={"kind": "meeting"}).json() == []
    assert api.client.delete(f"/api/outcomes/{body['id']}").status_code == 204
    assert api.client.get("/api/outcomes").json() == []
    assert_problem(api.client.delete(f"/api/outcomes/{body['id']}"), 404)


def test_bad_outcomes_are_refused_naming_the_field(api: Api) -> None:
    lead = add_lead(api)
    no_currency = assert_problem(api.client.post("/api/outcomes", json={"lead_id": lead["id"], "kind": "won",
                                                                        "value": 10}), 422)
    assert no_currency["field"] == "currency"
    assert assert_problem(api.client.post("/api/outcomes", json={"lead_id": lead["id"], "kind": "party"}),
                          422)["field"] == "kind"
    assert_problem(api.client.post("/api/outcomes", json={"lead_id": lead["id"] + 50, "kind": "meeting"}), 404)
    assert api.anonymous.get("/api/outcomes").status_code == 401
    assert api.client.get("/api/outcomes").json() == []


def test_a_crm_pushes_signed_deals_and_a_repeat_updates_them(crm_api: Api) -> None:
    lead = add_lead(crm_api, email="buyer@north.io", website="https://north.io")
    deals = [{"deal_id": "hs-1", "email": "buyer@north.io", "stage": "presentationscheduled", "amount": 5000,
              "currency": "EUR", "close_date": "2026-12-01"},
             {"deal_id": "hs-2", "email": "stranger@north.io", "stage": "closedwon"}]
    body = json.dumps(deals).encode()
    first = crm_api.anonymous.post("/webhooks/crm/outcomes", content=body, headers=signed(body))
    assert first.status_code == 200, first.text
    assert first.json() == {"read": 2, "added": 1, "updated": 0,
                            "rejected": [{"line": 2, "reason": "lead: no lead has email stranger@north.io"}]}
    won = json.dumps({"deal_id": "hs-1", "lead_id": lead["id"], "stage": "closedwon", "amount": "5200",
                      "currency": "EUR"}).encode()
    assert crm_api.anonymous.post("/webhooks/crm/outcomes", content=won, headers=signed(won)).json()["updated"] == 1
    outcomes = crm_api.client.get("/api/outcomes").json()
    assert [(o["kind"], o["value_cents"], o["external_id"], o["source"]) for o in outcomes] == [
        ("won", 520000, "hs-1", "crm")]


def test_the_crm_webhook_is_off_until_its_secret_is_set(api: Api) -> None:
    body = b'{"email": "a@b.io", "stage": "won"}'
    assert "AICMO_CRM_WEBHOOK_SECRET" in assert_problem(
        api.anonymous.post("/webhooks/crm/outcomes", content=body, headers=signed(body)), 401)["detail"]


def test_the_crm_webhook_refuses_what_is_not_signed_with_its_secret(crm_api: Api) -> None:
    body = b'{"email": "a@b.io", "stage": "won"}'
    assert assert_problem(crm_api.anonymous.post("/webhooks/crm/outcomes", content=body), 401)["detail"] == (
        "missing X-Aicmo-Signature header")
    assert assert_problem(crm_api.anonymous.post("/webhooks/crm/outcomes", content=body,
                                                 headers=signed(body, "wrong")), 401)["detail"] == (
        "signature does not match")
    stale = signed(body, at=time.time() - 3600)
    assert "stale or replayed" in assert_problem(
        crm_api.anonymous.post("/webhooks/crm/outcomes", content=body, headers=stale), 401)["detail"]
    for bad, problem in ((b"[1, 2]", "expected a deal object"), (b"{nope", "body is not valid JSON"),
                         (b"[" * 50_000 + b"]" * 50_000, "nested too deeply")):
        answer = crm_api.anonymous.post("/webhooks/crm/outcomes", content=bad, headers=signed(bad))
        assert problem in assert_problem(answer, 400)["detail"]
    assert crm_api.client.get("/api/outcomes").json() == []


def test_attribution_is_reported_by_model_and_grouping(api: Api) -> None:
    with api.sessions() as db:
        q3 = seed_journeys(db)
    report = api.client.get("/api/reports/attribution", params={"campaign_id": q3, "model": "first",
                                                                "by": "campaign"})
    assert report.status_code == 200, report.text
    body = report.json()
    assert (body["model"], body["by"], body["outcomes"], body["value"]) == ("first", "campaign", 3, {"EUR": 1000.0})
    assert {row["key"]: row["outcomes"] for row in body["rows"]} == {"Q3 intro": 2, "Q4 follow-up": 0,
                                                                     "(no touch)": 1}
    won = api.client.get("/api/reports/attribution", params={"campaign_id": q3, "outcome": "won", "model": "last"})
    assert {row["key"]: row["outcomes"] for row in won.json()["rows"]} == {"email": 1, "linkedin": 0}
    assert assert_problem(api.client.get("/api/reports/attribution", params={"model": "magic"}), 422)["field"] == (
        "query.model")
    assert_problem(api.client.get("/api/reports/attribution", params={"campaign_id": q3 + 9}), 404)
