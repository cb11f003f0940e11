"""/api/webhooks over real HTTP on SQLite and PostgreSQL: subscriptions, their delivery log, redelivery."""

from aicmo.cam.webhooks.events import WebhookEvent, emit
from tests.integration.api.conftest import Api, api

__all__ = ["api"]

URL = "https://crm.example.com/hooks/aicmo"
PROBLEM = "application/problem+json"


def test_a_subscription_is_created_with_its_secret_shown_once_then_read_without_it(api: Api) -> None:
    created = api.client.post("/api/webhooks", json={"url": URL, "events": ["message.sent", "lead.graded"],
                                                     "description": "CRM sync"})
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert {key: body[key] for key in ("url", "events", "description", "active")} == {
        "url": URL, "events": ["message.sent", "lead.graded"], "description": "CRM sync", "active": True}

    listed = api.client.get("/api/webhooks").json()
    assert [row["id"] for row in listed] == [body["id"]] and "secret" not in listed[0]
    one = api.client.get(f"/api/webhooks/{body['id']}").json()
    assert one["url"] == URL and "secret" not in one


def test_patch_pauses_and_changes_a_subscription(api: Api) -> None:
    subscription = api.client.post("/api/webhooks", json={"url": URL, "events": ["message.sent"]}).json()
    changed = api.client.patch(f"/api/webhooks/{subscription['id']}",
                               json={"active": False, "events": ["task.created"], "url": URL + "/v2"})
    assert changed.status_code == 200
    assert (changed.json()["active"], changed.json()["events"], changed.json()["url"]) == (
        False, ["task.created"], URL + "/v2")


def test_delete_removes_a_subscription_and_an_unknown_one_is_404(api: Api) -> None:
    subscription = api.client.post("/api/webhooks", json={"url": URL, "events": ["message.sent"]}).json()
    assert api.client.delete(f"/api/webhooks/{subscription['id']}").status_code == 204
    missing = api.client.get(f"/api/webhooks/{subscription['id']}")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    assert missing.json()["detail"] == f"webhook subscription {subscription['id']} not found"
    assert api.client.get("/api/webhooks/2147483648").status_code == 422


def test_invalid_subscriptions_are_refused_naming_the_field(api: Api) -> None:
    not_http = api.client.post("/api/webhooks", json={"url": "ftp://crm.example.com", "events": ["message.sent"]})
    assert not_http.status_code == 422 and not_http.json()["field"] == "url"
    unknown = api.client.post("/api/webhooks", json={"url": URL, "events": ["message.opened"]})
    assert unknown.status_code == 422 and unknown.json()["field"].startswith("events")
    subscription = api.client.post("/api/webhooks", json={"url": URL, "events": ["message.sent"]}).json()
    emptied = api.client.patch(f"/api/webhooks/{subscription['id']}", json={"url": None})
    assert emptied.status_code == 422 and emptied.json()["field"] == "url"


def test_the_delivery_log_is_listed_per_subscription_and_a_delivery_can_be_redelivered(api: Api) -> None:
    sent = api.client.post("/api/webhooks", json={"url": URL, "events": ["message.sent"]}).json()
    graded = api.client.post("/api/webhooks", json={"url": URL, "events": ["lead.graded"]}).json()
    with api.sessions() as db:
        emit(db, WebhookEvent.MESSAGE_SENT, {"message": {"id": "m-1"}})
        emit(db, WebhookEvent.LEAD_GRADED, {"lead": {"id": 1}})
        db.commit()

    (delivery,) = api.client.get(f"/api/webhooks/{sent['id']}/deliveries").json()
    assert (delivery["event"], delivery["status"], delivery["payload"]) == (
        "message.sent", "pending", {"message": {"id": "m-1"}})
    assert [d["subscription_id"] for d in api.client.get("/api/webhooks/deliveries").json()] == [graded["id"],
                                                                                                 sent["id"]]
    assert api.client.get("/api/webhooks/deliveries", params={"status": "failed"}).json() == []
    assert api.client.get(f"/api/webhooks/{sent['id']}/deliveries", params={"status": "lost"}).status_code == 422
    assert api.client.get("/api/webhooks/999/deliveries").status_code == 404

    again = api.client.post(f"/api/webhooks/deliveries/{delivery['id']}/redeliver")
    assert again.status_code == 200 and (again.json()["status"], again.json()["attempts"]) == ("pending", 0)
    assert api.client.post("/api/webhooks/deliveries/999/redeliver").status_code == 404


def test_every_route_needs_an_api_key(api: Api) -> None:
    for method, path in (("GET", "/api/webhooks"), ("POST", "/api/webhooks"), ("GET", "/api/webhooks/1"),
                         ("PATCH", "/api/webhooks/1"), ("DELETE", "/api/webhooks/1"),
                         ("GET", "/api/webhooks/1/deliveries"), ("GET", "/api/webhooks/deliveries"),
                         ("POST", "/api/webhooks/deliveries/1/redeliver")):
        answer = api.anonymous.request(method, path)
        assert answer.status_code == 401, (method, path)
