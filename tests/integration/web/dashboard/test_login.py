"""Logging in with an API key: sessions, revocation, the failed-login limit, the cookie's flags and CSRF."""

import json
from base64 import b64encode
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.auth.models import DashboardSessionDB
from aicmo.cam.auth.service import MAX_FAILURES
from aicmo.db.base import utcnow
from aicmo.settings import Settings
from aicmo.web.app import create_app
from aicmo.web.dashboard.session import COOKIE
from tests.integration.web.dashboard.support import SETTINGS, csrf_of, log_in, submit
from tests.support.http_app import local_client

PAGES = ["/", "/leads", "/leads/1", "/campaigns", "/campaigns/1", "/mailboxes", "/tasks", "/settings"]


def goes_to_login(response: httpx.Response) -> bool:
    return response.status_code == 303 and response.headers["location"].endswith("/app/login")


def test_a_live_key_opens_a_session_that_shows_the_overview(visitor: httpx.Client, api_key: str) -> None:
    response = log_in(visitor, api_key)

    assert response.status_code == 303 and response.headers["location"].endswith("/app/")
    overview = visitor.get("/")
    assert overview.status_code == 200 and "<h1>Overview</h1>" in overview.text


@pytest.mark.parametrize("path", PAGES)
def test_a_visitor_without_a_session_is_sent_to_the_login_page(visitor: httpx.Client, path: str) -> None:
    assert goes_to_login(visitor.get(path))
    assert visitor.get("/login").status_code == 200


def test_a_wrong_key_is_refused_and_opens_no_session(visitor: httpx.Client, api_key: str) -> None:
    response = log_in(visitor, api_key[:-2] + "xx")

    assert response.status_code == 401 and "wrong or was revoked" in response.text
    assert goes_to_login(visitor.get("/"))


def test_a_revoked_key_ends_the_session_on_the_next_request(operator: httpx.Client, db: Session) -> None:
    assert operator.get("/leads").status_code == 200

    ops.revoke_api_key(db, "operator")

    assert goes_to_login(operator.get("/leads"))
    assert goes_to_login(operator.get("/"))


def test_a_revoked_key_cannot_log_in(visitor: httpx.Client, api_key: str, db: Session) -> None:
    ops.revoke_api_key(db, "operator")

    assert log_in(visitor, api_key).status_code == 401


def test_too_many_failed_logins_block_the_address_even_for_the_right_key(visitor: httpx.Client,
                                                                          api_key: str) -> None:
    for _ in range(MAX_FAILURES):
        assert log_in(visitor, "aicmo_wrong").status_code == 401

    blocked = log_in(visitor, api_key)

    assert blocked.status_code == 429 and "too many failed logins" in blocked.text
    assert goes_to_login(visitor.get("/"))


def test_a_few_failed_logins_do_not_block_the_right_key(visitor: httpx.Client, api_key: str) -> None:
    for _ in range(MAX_FAILURES - 1):
        log_in(visitor, "aicmo_wrong")

    assert log_in(visitor, api_key).status_code == 303


def test_the_session_cookie_is_httponly_samesite_lax_and_only_for_the_dashboard(visitor: httpx.Client,
                                                                                 api_key: str) -> None:
    cookie = log_in(visitor, api_key).headers["set-cookie"].lower()

    assert cookie.startswith(f"{COOKIE}=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/app;" in cookie
    assert "secure" not in cookie  # plain http: a Secure cookie would never come back


def test_over_https_the_session_cookie_is_also_secure(sessions: sessionmaker[Session], api_key: str) -> None:
    with TestClient(create_app(SETTINGS, sessions), base_url="https://testserver/app") as client:
        token = csrf_of(client.get("/login"))
        response = client.post("/login", data={"csrf_token": token, "api_key": api_key}, follow_redirects=False)

    assert response.status_code == 303
    assert "secure" in response.headers["set-cookie"].lower()


def test_logging_out_ends_the_session(operator: httpx.Client) -> None:
    response = submit(operator, "/", "/logout")

    assert (goes_to_login(response), goes_to_login(operator.get("/"))) == (True, True)


def test_logging_out_ends_every_copy_of_the_cookie(operator: httpx.Client, dashboard_url: str) -> None:
    saved = dict(operator.cookies.items())
    with local_client(dashboard_url, cookies=saved) as copy:
        assert copy.get("/").status_code == 200  # the copied cookie works while the session lives

        submit(operator, "/", "/logout")

        assert goes_to_login(copy.get("/"))
        assert goes_to_login(copy.post("/leads/import", files={"file": ("x.csv", b"email\nx@y.io\n")}))


def test_a_session_ends_with_its_twelve_hours_and_with_its_key(operator: httpx.Client, db: Session) -> None:
    assert operator.get("/").status_code == 200
    db.execute(update(DashboardSessionDB).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert goes_to_login(operator.get("/"))


def test_revoking_the_key_ends_its_sessions(operator: httpx.Client, db: Session) -> None:
    ops.revoke_api_key(db, "operator")

    assert goes_to_login(operator.get("/"))


def test_a_form_without_the_sessions_csrf_token_is_refused_and_changes_nothing(operator: httpx.Client,
                                                                               db: Session) -> None:
    campaign = ops.create_campaign(db, {"name": "Held", "steps": [{"channels": ["email"], "body": "Hi"}]})

    missing = operator.post(f"/campaigns/{campaign.id}/start")
    forged = operator.post(f"/campaigns/{campaign.id}/start", data={"csrf_token": "x" * 43})
    logout = operator.post("/logout", data={"csrf_token": ""})

    assert (missing.status_code, forged.status_code, logout.status_code) == (403, 403, 403)
    assert "did not come from this dashboard" in forged.text
    assert ops.get_campaign(db, campaign.id).status == "draft"
    assert operator.get("/").status_code == 200  # still logged in


def test_the_login_form_needs_its_csrf_token_too(visitor: httpx.Client, api_key: str) -> None:
    visitor.get("/login")

    assert visitor.post("/login", data={"api_key": api_key}).status_code == 403
    assert goes_to_login(visitor.get("/"))


def test_with_the_default_secret_key_a_cookie_signed_with_it_is_no_session(sessions: sessionmaker[Session],
                                                                          api_key: str, db: Session) -> None:
    default = Settings()
    key_id = ops.list_api_keys(db)[0].id
    cookie = {"key_id": key_id, "sid": "made-up"}
    forged = TimestampSigner(default.secret_key).sign(b64encode(json.dumps(cookie).encode()))

    with TestClient(create_app(default, sessions), base_url="http://testserver/app") as client:
        client.cookies.set(COOKIE, forged.decode(), path="/app")
        response = client.get("/", follow_redirects=False)

    assert goes_to_login(response)
