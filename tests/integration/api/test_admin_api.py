"""Channel configs, LinkedIn tasks, the suppression list, mailboxes and alerts over the REST API, on the real app
over HTTP (SQLite and PostgreSQL)."""

import csv
import io
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from aicmo.cam.alerts import service as alerts
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel
from aicmo.cam.outreach.models import MailboxDB
from aicmo.cam.worker.loop import Worker
from aicmo.clock import ManualClock
from aicmo.settings import Settings
from tests.integration.api.conftest import Api
from tests.integration.cam.worker.conftest import TUESDAY_10, new_lead, registry_for

SMTP_SECRET, IMAP_SECRET, NEW_SECRET = "smtp-pass-4f9a", "imap-pass-77c1", "rotated-pass-0b3e"
SECRETS = (SMTP_SECRET, IMAP_SECRET, NEW_SECRET)
MAILBOX = {"name": "sales", "from_address": "sales@seller.example", "from_name": "John Seller",
           "smtp_host": "smtp.seller.example", "smtp_username": "sales", "smtp_password": SMTP_SECRET,
           "imap_host": "imap.seller.example", "imap_password": IMAP_SECRET, "daily_cap": 50}


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


# --- channel configuration ---------------------------------------------------------------------------------------


def test_lists_every_scopes_config_with_the_defaults_where_never_changed(api: Api) -> None:
    configs = api.client.get("/api/channels").json()
    assert [c["scope"] for c in configs] == ["email", "linkedin", "contact_form", "all"]
    assert all(c["updated_at"] is None for c in configs)
    assert api.client.get("/api/channels/linkedin").json() == configs[1]


def test_patching_a_channel_changes_only_the_settings_given(api: Api) -> None:
    before = api.client.get("/api/channels/email").json()
    changed = api.client.patch("/api/channels/email", json={"hourly_cap": 40, "daily_cap": 200, "max_retries": 3})
    assert changed.status_code == 200, changed.text
    after = api.client.get("/api/channels/email").json()
    assert (after["hourly_cap"], after["daily_cap"], after["max_retries"]) == (40, 200, 3)
    assert after["retry_base_seconds"] == before["retry_base_seconds"] and after["updated_at"] is not None
    assert api.client.patch("/api/channels/email", json={"daily_cap": None}).json()["daily_cap"] is None
    assert api.client.get("/api/channels/linkedin").json()["updated_at"] is None


@pytest.mark.parametrize(("changes", "field"), [
    ({"hourly_cap": -1}, "hourly_cap"),
    ({"daily_cap": "many"}, "daily_cap"),
    ({"max_retries": 99}, "max_retries"),
    ({"hourly_cpa": 5}, "hourly_cpa"),
    ({"enabled": None}, "enabled"),
    ({"retry_base_seconds": 60, "retry_cap_seconds": 10}, "retry_cap_seconds"),
])
def test_an_invalid_channel_setting_is_refused_naming_the_field(api: Api, changes: dict[str, Any], field: str) -> None:
    before = api.client.get("/api/channels/email").json()
    assert problem(api.client.patch("/api/channels/email", json=changes), 422)["field"] == field
    assert api.client.get("/api/channels/email").json() == before


def test_an_unknown_channel_is_not_found(api: Api) -> None:
    assert "fax" in problem(api.client.get("/api/channels/fax"), 404)["detail"]
    problem(api.client.patch("/api/channels/fax", json={"daily_cap": 1}), 404)


# --- LinkedIn tasks ----------------------------------------------------------------------------------------------


async def open_tasks(api: Api, count: int) -> None:
    """LinkedIn steps the worker hands over as tasks, one per lead."""
    clock = ManualClock(TUESDAY_10)
    with api.sessions() as db:
        for n in range(count):
            lead = new_lead(db, first_name=f"Lead{n}", email=None,
                            linkedin_url=f"https://www.linkedin.com/in/lead-{n}")
            messages.create(db, lead_id=lead.id, body=f"Hi Lead{n}", subject=None, now=clock.now(),
                            channels=[Channel.LINKEDIN])
        db.commit()
    registry = registry_for(api.sessions)
    await Worker(api.sessions, registry, clock=clock, settings=Settings()).run(once=True)
    await registry.aclose()


async def test_lists_open_tasks_and_marks_them_done_or_failed(api: Api) -> None:
    await open_tasks(api, 2)
    tasks = api.client.get("/api/tasks").json()
    assert [(t["lead_name"], t["status"], t["note"]) for t in tasks] == [("Lead0 Doe", "open", "Hi Lead0"),
                                                                         ("Lead1 Doe", "open", "Hi Lead1")]
    assert tasks[0]["profile_url"] == "https://www.linkedin.com/in/lead-0/"
    done = api.client.post(f"/api/tasks/{tasks[0]['id']}/done", json={"detail": "sent with a note"}).json()
    assert (done["status"], done["detail"]) == ("done", "sent with a note")
    failed = api.client.post(f"/api/tasks/{tasks[1]['id']}/failed", json={"detail": "profile gone"}).json()
    assert (failed["status"], failed["detail"]) == ("failed", "profile gone")

    assert api.client.get("/api/tasks").json() == []
    assert [t["status"] for t in api.client.get("/api/tasks", params={"status": "all"}).json()] == ["done", "failed"]
    assert [t["id"] for t in api.client.get("/api/tasks", params={"status": "failed"}).json()] == [tasks[1]["id"]]
    assert problem(api.client.post(f"/api/tasks/{tasks[0]['id']}/failed"), 409)["title"] == "TaskAlreadyClosed"


async def test_task_errors_are_problems(api: Api) -> None:
    assert problem(api.client.post("/api/tasks/404/done"), 404)["title"] == "TaskNotFound"
    assert problem(api.client.get("/api/tasks", params={"status": "lost"}), 422)["field"] == "query.status"


# --- the suppression list ----------------------------------------------------------------------------------------


def test_adds_lists_searches_and_removes_suppressions(api: Api) -> None:
    added = api.client.post("/api/suppressions", json={"value": " Jane@ACME.io ", "reason": "asked by phone"})
    assert added.status_code == 201, added.text
    assert (added.json()["kind"], added.json()["value"], added.json()["reason"]) == ("address", "jane@acme.io",
                                                                                    "asked by phone")
    assert api.client.post("/api/suppressions", json={"value": "spam.example"}).json()["kind"] == "domain"
    assert [s["value"] for s in api.client.get("/api/suppressions").json()] == ["spam.example", "jane@acme.io"]
    assert [s["value"] for s in api.client.get("/api/suppressions", params={"search": "ACME"}).json()] == [
        "jane@acme.io"]
    assert len(api.client.get("/api/suppressions", params={"limit": 1, "offset": 1}).json()) == 1

    assert api.client.delete("/api/suppressions/jane@acme.io").status_code == 204
    problem(api.client.delete("/api/suppressions/jane@acme.io"), 404)
    assert [s["value"] for s in api.client.get("/api/suppressions").json()] == ["spam.example"]
    assert problem(api.client.post("/api/suppressions", json={"value": "not an address"}), 422)["title"] == (
        "InvalidSuppression")


def test_imports_a_csv_upload_reporting_rejected_rows_by_line(api: Api) -> None:
    api.client.post("/api/suppressions", json={"value": "old@acme.io"})
    upload = "email,reason\nnew@acme.io,old crm\nold@acme.io,\nnot an address,\n,left blank\n\nbeta.example,\n"
    response = api.client.post("/api/suppressions/import", data={"reason": "crm export"},
                               files={"file": ("list.csv", upload.encode(), "text/csv")})
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["added"], result["existing"]) == (2, 1)
    assert [(r["line"], r["value"]) for r in result["rejected"]] == [(4, "not an address"), (5, "")]
    reasons = {s["value"]: s["reason"] for s in api.client.get("/api/suppressions").json()}
    assert reasons == {"new@acme.io": "old crm", "old@acme.io": "manual", "beta.example": "crm export"}


def test_an_upload_that_is_not_utf8_text_is_refused_and_adds_nothing(api: Api) -> None:
    response = api.client.post("/api/suppressions/import", files={"file": ("x.csv", b"email\na@b.io\n\xff\xfe@x\n")})
    assert "UTF-8" in problem(response, 422)["detail"]
    assert api.client.get("/api/suppressions").json() == []


def test_exports_the_list_as_csv(api: Api) -> None:
    for value in ("jane@acme.io", "spam.example"):
        api.client.post("/api/suppressions", json={"value": value, "reason": "test"})
    response = api.client.get("/api/suppressions/export")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["value"], r["kind"], r["reason"]) for r in rows] == [("jane@acme.io", "address", "test"),
                                                                   ("spam.example", "domain", "test")]


# --- mailboxes ---------------------------------------------------------------------------------------------------


def test_manages_a_mailbox_without_ever_answering_with_its_passwords(api: Api) -> None:
    responses = [created := api.client.post("/api/mailboxes", json=MAILBOX)]
    assert created.status_code == 201, created.text
    assert (created.json()["has_password"], created.json()["has_imap_password"]) == (True, True)
    assert (created.json()["smtp_port"], created.json()["imap_port"]) == (587, 993)
    responses.append(duplicate := api.client.post("/api/mailboxes", json=MAILBOX))
    assert problem(duplicate, 409)["title"] == "DuplicateMailbox"
    responses.append(listed := api.client.get("/api/mailboxes"))
    assert [(m["name"], m["state"], m["inbox"], m["sent_today"]) for m in listed.json()] == [("sales", "active",
                                                                                              True, 0)]
    responses.append(shown := api.client.get("/api/mailboxes/sales"))
    assert shown.json() == created.json()
    responses.append(patched := api.client.patch("/api/mailboxes/sales",
                                                 json={"daily_cap": 80, "smtp_password": NEW_SECRET}))
    assert (patched.json()["daily_cap"], patched.json()["has_password"]) == (80, True)
    responses.append(paused := api.client.post("/api/mailboxes/sales/pause", json={"reason": "bounce check"}))
    assert (paused.json()["state"], paused.json()["paused_reason"]) == ("paused", "bounce check")
    responses.append(health := api.client.get("/api/mailboxes/sales/health"))
    assert (health.json()["state"], health.json()["cap_today"]) == ("paused", 80)
    responses.append(resumed := api.client.post("/api/mailboxes/sales/resume"))
    assert resumed.json()["state"] == "active"
    with api.sessions() as db:  # the password given is the one stored
        assert db.scalars(select(MailboxDB.smtp_password)).one() == NEW_SECRET
    assert api.client.delete("/api/mailboxes/sales").status_code == 204
    responses.append(gone := api.client.get("/api/mailboxes/sales"))
    assert problem(gone, 404)["title"] == "MailboxNotFound"
    for response in responses:
        assert not any(secret in response.text for secret in SECRETS), response.text


@pytest.mark.parametrize(("changes", "field"), [
    ({"from_address": "not-an-address"}, "from_address"),
    ({"smtp_port": 70000}, "smtp_port"),
    ({"warmup_start": 5}, "warmup_increment"),
    ({"smtp_username": None}, "smtp_username"),  # a password without a user name
    ({"smtp_password": "bad\r\nRCPT TO:<x@y.z>"}, "smtp_password"),
])
def test_an_invalid_mailbox_is_refused_naming_the_field_and_not_the_password(api: Api, changes: dict[str, Any],
                                                                           field: str) -> None:
    response = api.client.post("/api/mailboxes", json=MAILBOX | changes)
    assert problem(response, 422)["field"] == field
    assert not any(secret in response.text for secret in (*SECRETS, "RCPT")), response.text
    assert api.client.get("/api/mailboxes").json() == []


def test_an_invalid_mailbox_change_is_refused_naming_the_field(api: Api) -> None:
    api.client.post("/api/mailboxes", json=MAILBOX)
    assert problem(api.client.patch("/api/mailboxes/sales", json={"daily_cap": -1}), 422)["field"] == "daily_cap"
    assert problem(api.client.patch("/api/mailboxes/sales", json={"imap_host": None}), 422)["field"] == "imap_host"
    assert problem(api.client.patch("/api/mailboxes/nobody", json={"daily_cap": 1}), 404)["title"] == (
        "MailboxNotFound")


# --- alerts ------------------------------------------------------------------------------------------------------


def test_lists_alerts_and_acknowledges_one(api: Api) -> None:
    with api.sessions() as db:
        alert = alerts.raise_alert(db, "mailbox.paused", subject="sales", message="bounce rate 9% over 5%",
                                   data={"bounce_rate": 0.09})
        db.commit()
        alert_id = alert.id
    listed = api.client.get("/api/alerts").json()
    assert [(a["id"], a["kind"], a["data"], a["acknowledged_at"]) for a in listed] == [
        (alert_id, "mailbox.paused", {"bounce_rate": 0.09}, None)]
    assert api.client.post(f"/api/alerts/{alert_id}/acknowledge").status_code == 204
    assert api.client.get("/api/alerts").json() == []
    everything = api.client.get("/api/alerts", params={"include_acknowledged": True}).json()
    assert [a["id"] for a in everything] == [alert_id] and everything[0]["acknowledged_at"] is not None
    assert problem(api.client.post("/api/alerts/404/acknowledge"), 404)["status"] == 404


# --- authentication ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/channels"), ("PATCH", "/api/channels/email"), ("GET", "/api/metrics/channels"),
    ("GET", "/api/tasks"), ("POST", "/api/tasks/1/done"), ("GET", "/api/suppressions"),
    ("POST", "/api/suppressions"), ("DELETE", "/api/suppressions/a@b.io"), ("GET", "/api/suppressions/export"),
    ("POST", "/api/suppressions/import"), ("GET", "/api/mailboxes"), ("POST", "/api/mailboxes"),
    ("DELETE", "/api/mailboxes/sales"), ("GET", "/api/alerts"), ("POST", "/api/alerts/1/acknowledge"),
])
def test_admin_routes_need_an_api_key(api: Api, method: str, path: str) -> None:
    response = api.anonymous.request(method, path, json={})
    assert problem(response, 401)["status"] == 401
    assert api.client.request(method, path, json={}).status_code != 401


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/api/suppressions?search=%00", None), ("POST", "/api/suppressions", {"value": "a.io", "detail": "\x00"}),
    ("GET", "/api/mailboxes/%00", None), ("POST", "/api/campaigns", {"name": "Q\x00", "steps": [{"body": "Hi"}]}),
    ("POST", "/api/mailboxes", MAILBOX | {"signature_text": "Best,\x00John"}),
])
def test_a_value_the_database_cannot_store_is_refused_not_a_server_error(api: Api, method: str, path: str,
                                                                       body: dict[str, Any] | None) -> None:
    response = api.client.request(method, path, json=body)
    assert response.status_code < 500, response.text
    if api.sessions.kw["bind"].dialect.name == "postgresql":  # SQLite stores a NUL character as it is
        assert problem(response, 422)["title"] == "Invalid value"
    assert not any(secret in response.text for secret in SECRETS), response.text


def test_the_guard_thresholds_are_read_and_changed_over_the_api_and_a_bad_one_is_a_422_naming_it(api: Api) -> None:
    shown = api.client.get("/api/deliverability/guard")
    assert shown.status_code == 200 and shown.json()["policy_rate"] == 0.02
    changed = api.client.patch("/api/deliverability/guard", json={"policy_rate": 0.05, "min_sends": 40})
    assert (changed.json()["policy_rate"], changed.json()["min_sends"]) == (0.05, 40)
    assert api.client.get("/api/deliverability/guard").json() == changed.json()
    refused = api.client.patch("/api/deliverability/guard", json={"bounce_rate": 1.5})
    assert refused.status_code == 422 and "bounce_rate" in refused.text


def test_a_mailbox_named_guard_is_read_like_any_other(api: Api) -> None:
    created = api.client.post("/api/mailboxes", json=MAILBOX | {"name": "guard"})
    shown = api.client.get("/api/mailboxes/guard")
    assert (created.status_code, shown.status_code, shown.json()["name"]) == (201, 200, "guard")
