"""The unsubscribe link over real HTTP: uvicorn on a free local port, a real database (SQLite and PostgreSQL)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.leads.importer import ImportOptions, import_leads
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import EventKind, MessageStatus
from aicmo.cam.outreach.models import DeliveryEventDB, OutreachMessageDB
from aicmo.cam.outreach.unsubscribe import make_token
from aicmo.cam.suppression.models import SuppressionDB
from aicmo.db.engine import make_session_factory
from aicmo.settings import Settings
from aicmo.web.app import create_app
from tests.factories import make_lead
from tests.support.http_app import local_client, serve_app

SECRET = "unsubscribe-test-secret"
SETTINGS = Settings(secret_key=SECRET, public_base_url="https://app.example.com")
NOW = datetime(2026, 1, 6, 9, 30, tzinfo=UTC)
ONE_CLICK = {"List-Unsubscribe": "One-Click"}
PRIVATE = {"cache-control": "no-store", "referrer-policy": "no-referrer", "x-robots-tag": "noindex"}


@dataclass
class Mailed:
    """A lead with a sent email (whose link is `token`) and a next step still waiting."""

    lead_id: int
    sent_id: str
    waiting_id: str
    token: str


@pytest.fixture
def client(engine: Engine) -> Iterator[httpx.Client]:
    with serve_app(create_app(SETTINGS, make_session_factory(engine))) as base_url, \
            local_client(base_url, timeout=30.0) as http:
        yield http


@pytest.fixture
def mailed(db: Session) -> Mailed:
    lead_id = ops.create_lead(db, LeadCreate(**make_lead(email="Jane.Doe@acme.io"))).id
    sent = messages.create(db, lead_id=lead_id, body="Hi", subject="Hello", now=NOW, status=MessageStatus.SENT)
    waiting = messages.create(db, lead_id=lead_id, body="Again", subject="Re: Hello", now=NOW, step=1)
    db.commit()
    return Mailed(lead_id, sent.id, waiting.id, make_token(sent.id, lead_id, SECRET))


def state(db: Session, mailed: Mailed) -> tuple[Any, ...]:
    """Everything an unsubscribe may change, as the database now holds it."""
    db.commit()  # a fresh transaction sees what the server committed
    db.expire_all()
    return (db.get_one(LeadDB, mailed.lead_id).status,
            [(row.value, row.reason, row.lead_id) for row in db.scalars(select(SuppressionDB))],
            {row.id: row.status for row in db.scalars(select(OutreachMessageDB))},
            [(row.lead_id, row.message_id, row.detail) for row in db.scalars(
                select(DeliveryEventDB).where(DeliveryEventDB.kind == EventKind.UNSUBSCRIBE))])


def unsubscribed(mailed: Mailed, source: str) -> tuple[Any, ...]:
    return (LeadStatus.UNSUBSCRIBED, [("jane.doe@acme.io", "unsubscribe", mailed.lead_id)],
            {mailed.sent_id: MessageStatus.SENT, mailed.waiting_id: MessageStatus.CANCELLED},
            [(mailed.lead_id, mailed.sent_id, source)])


def assert_private(response: httpx.Response) -> None:
    assert {name: response.headers.get(name) for name in PRIVATE} == PRIVATE


def test_the_page_shows_the_masked_address_and_changes_nothing(db: Session, client: httpx.Client,
                                                               mailed: Mailed) -> None:
    before = state(db, mailed)
    page = client.get(f"/u/{mailed.token}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "j***@acme.io" in page.text and "jane.doe" not in page.text.lower()
    assert re.search(r'<form method="post">\s*<button type="submit" name="confirm" value="unsubscribe">', page.text)
    assert_private(page)
    assert state(db, mailed) == before
    assert before[0] is LeadStatus.NEW and before[1] == [] and before[3] == []


def test_a_one_click_post_unsubscribes(db: Session, client: httpx.Client, mailed: Mailed) -> None:
    response = client.post(f"/u/{mailed.token}", data=ONE_CLICK)
    assert (response.status_code, response.text) == (200, "Unsubscribed.\n")
    assert_private(response)
    assert state(db, mailed) == unsubscribed(mailed, "one-click (RFC 8058)")


def test_a_one_click_post_as_multipart_form_data_unsubscribes(db: Session, client: httpx.Client,
                                                              mailed: Mailed) -> None:
    response = client.post(f"/u/{mailed.token}", files={"List-Unsubscribe": (None, b"One-Click")})
    assert response.request.headers["content-type"].startswith("multipart/form-data")
    assert response.status_code == 200
    assert state(db, mailed) == unsubscribed(mailed, "one-click (RFC 8058)")


def test_the_button_of_the_page_unsubscribes(db: Session, client: httpx.Client, mailed: Mailed) -> None:
    page = client.get(f"/u/{mailed.token}").text
    button = re.search(r'<button type="submit" name="([^"]+)" value="([^"]+)">', page)
    assert button is not None
    response = client.post(f"/u/{mailed.token}", data={button[1]: button[2]})
    assert response.status_code == 200 and "You are unsubscribed" in response.text and "j***@acme.io" in response.text
    assert_private(response)
    assert state(db, mailed) == unsubscribed(mailed, "unsubscribe page")


def test_a_second_post_is_harmless(db: Session, client: httpx.Client, mailed: Mailed) -> None:
    assert client.post(f"/u/{mailed.token}", data=ONE_CLICK).status_code == 200
    after_first = state(db, mailed)
    assert client.post(f"/u/{mailed.token}", data={"confirm": "unsubscribe"}).status_code == 200
    assert client.post(f"/u/{mailed.token}", data=ONE_CLICK).status_code == 200
    assert state(db, mailed) == after_first == unsubscribed(mailed, "one-click (RFC 8058)")


def test_a_link_sent_to_a_lead_since_merged_into_an_older_record_unsubscribes_that_record(
        db: Session, client: httpx.Client, mailed: Mailed, tmp_path: Path) -> None:
    profile = "https://www.linkedin.com/in/janedoe/"
    newer = ops.create_lead(db, LeadCreate(first_name="Jane", last_name="Doe", linkedin_url=profile)).id
    sent = messages.create(db, lead_id=newer, body="Hi", subject="Hello", now=NOW, status=MessageStatus.SENT)
    db.commit()
    token = make_token(sent.id, newer, SECRET)
    bridge = tmp_path / "bridge.csv"
    bridge.write_text(f"Email,Person Linkedin Url\njane.doe@acme.io,{profile}\n", encoding="utf-8")
    assert import_leads(db, bridge, ImportOptions(write_rejects=False)).joined == 1
    response = client.post(f"/u/{token}", data=ONE_CLICK)
    assert (response.status_code, response.text) == (200, "Unsubscribed.\n")
    assert state(db, mailed) == (LeadStatus.UNSUBSCRIBED, [("jane.doe@acme.io", "unsubscribe", mailed.lead_id)],
                                 {mailed.sent_id: MessageStatus.SENT, mailed.waiting_id: MessageStatus.CANCELLED,
                                  sent.id: MessageStatus.SENT},
                                 [(mailed.lead_id, sent.id, "one-click (RFC 8058)")])


def forged_tokens(mailed: Mailed) -> dict[str, str]:
    payload, tag = mailed.token.split(".")
    other_lead = make_token(mailed.sent_id, mailed.lead_id + 1, SECRET).split(".")[0]
    return {
        "another secret": make_token(mailed.sent_id, mailed.lead_id, "not-the-secret"),
        "payload altered": f"{other_lead}.{tag}",
        "tag altered": f"{payload}.{tag[:-2]}{'AA' if tag[-2:] != 'AA' else 'BB'}",
        "no tag": payload,
        "garbage": "not-a-token",
        "genuine, lead gone": make_token(mailed.sent_id, mailed.lead_id + 1000, SECRET),
    }


def test_a_forged_altered_or_stale_token_gets_404_and_changes_nothing(db: Session, client: httpx.Client,
                                                                      mailed: Mailed) -> None:
    before = state(db, mailed)
    for name, token in forged_tokens(mailed).items():
        for response in (client.get(f"/u/{token}"), client.post(f"/u/{token}", data=ONE_CLICK),
                         client.post(f"/u/{token}", data={"confirm": "unsubscribe"})):
            assert response.status_code == 404, (name, response.request.method)
            assert "This link is not valid" in response.text
            assert_private(response)
    assert state(db, mailed) == before


@pytest.mark.parametrize("body", [{}, {"List-Unsubscribe": "yes"}, {"confirm": "maybe"}])
def test_a_post_without_a_known_body_changes_nothing(db: Session, client: httpx.Client, mailed: Mailed,
                                                     body: dict[str, str]) -> None:
    before = state(db, mailed)
    response = client.post(f"/u/{mailed.token}", data=body)
    assert response.status_code == 400 and "Nothing was changed" in response.text
    assert state(db, mailed) == before


def test_health_answers_ok(client: httpx.Client) -> None:
    response = client.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_a_link_signed_with_the_previous_key_still_unsubscribes(db: Session, engine: Engine,
                                                                mailed: Mailed) -> None:
    # The secret key changed (the public default gave way to a kept one) after this email went out.
    changed = Settings(secret_key="a-newer-secret-key-" + "x" * 20, previous_secret_key=SECRET,
                       public_base_url="https://app.example.com")
    with serve_app(create_app(changed, make_session_factory(engine))) as base_url, \
            local_client(base_url, timeout=30.0) as http:
        response = http.post(f"/u/{mailed.token}", data=ONE_CLICK)
    assert (response.status_code, response.text) == (200, "Unsubscribed.\n")
    assert state(db, mailed) == unsubscribed(mailed, "one-click (RFC 8058)")
