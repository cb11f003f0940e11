"""Every /api route wants a live API key; /health, the unsubscribe pages, provider webhooks and the docs do not."""

import hashlib
import hmac
import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.outreach.unsubscribe import make_token
from aicmo.db.engine import make_session_factory
from aicmo.web.app import create_app
from tests.factories import make_lead
from tests.integration.api.conftest import API_SETTINGS, Api, add_lead, running_api
from tests.support.http_app import local_client, serve_app

PROBLEM = "application/problem+json"
# Every (method, path) the app serves under /api, path parameters filled in; the app is built, never started.
# FastAPI keeps included routers nested (app.routes lists no APIRoute of theirs); the schema lists them all.
API_ROUTES = sorted((method.upper(), re.sub(r"\{[^}]+\}", "1", path))
                    for path, operations in create_app(API_SETTINGS).openapi()["paths"].items()
                    if path.startswith("/api/") for method in operations)


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["status"] == 401 and "API key" in response.json()["detail"]


def test_the_sweep_covers_every_api_area() -> None:
    paths = {path for _, path in API_ROUTES}
    for expected in ("/api/leads", "/api/leads/1", "/api/leads/import", "/api/leads/1/send", "/api/messages",
                     "/api/messages/1/retry", "/api/grading/profile", "/api/grading/regrade", "/api/campaigns"):
        assert expected in paths


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def swept(request: pytest.FixtureRequest) -> Iterator[tuple[httpx.Client, sessionmaker[Session]]]:
    """One app per database for the whole sweep (keys are made per test): a server per route would be slow."""
    sessions = make_session_factory(request.getfixturevalue(f"{request.param}_engine"))
    with serve_app(create_app(API_SETTINGS, sessions)) as base_url, local_client(base_url) as client:
        yield client, sessions


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
def test_every_api_route_refuses_a_missing_wrong_or_revoked_key(swept: tuple[httpx.Client, sessionmaker[Session]],
                                                                 method: str, path: str) -> None:
    client, sessions = swept
    name = f"sweep-{uuid.uuid4().hex}"
    with sessions() as db:
        secret = ops.create_api_key(db, name).secret
        ops.revoke_api_key(db, name)
    assert_refused(client.request(method, path))
    assert_refused(client.request(method, path, headers=bearer("aicmo_not-a-key")))
    assert_refused(client.request(method, path, headers=bearer(secret)))


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p in API_ROUTES if m == "GET"])
def test_every_api_read_lets_a_live_key_through(swept: tuple[httpx.Client, sessionmaker[Session]], method: str,
                                                path: str) -> None:
    client, sessions = swept
    with sessions() as db:
        secret = ops.create_api_key(db, f"sweep-{uuid.uuid4().hex}").secret
    assert client.request(method, path, headers=bearer(secret)).status_code != 401


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer aicmo_", "Bearer not-even-our-prefix", "Basic dGVzdHM6c2VjcmV0",
    "Token {key}", "Bearer {key}x", "Bearer {key} {key}",
])
def test_writes_without_a_valid_key_change_nothing(api: Api, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization.format(key=api.key)}
    assert_refused(api.anonymous.post("/api/leads", json=make_lead(), headers=headers))
    assert_refused(api.anonymous.post("/api/leads/import", headers=headers,
                                      files={"file": ("a.csv", b"Email\nann@beta.io\n")}))
    assert_refused(api.anonymous.put("/api/grading/profile", json={}, headers=headers))
    assert api.client.get("/api/leads").json()["total"] == 0


def test_a_key_works_until_it_is_revoked(api: Api) -> None:
    assert api.client.get("/api/leads").status_code == 200
    with api.sessions() as db:
        second = ops.create_api_key(db, "second").secret
        ops.revoke_api_key(db, "tests")
    assert_refused(api.client.get("/api/leads"))
    assert api.anonymous.get("/api/leads", headers={"Authorization": f"Bearer {second}"}).status_code == 200


def test_health_and_the_unsubscribe_page_need_no_key(api: Api) -> None:
    assert api.anonymous.get("/health").json() == {"status": "ok"}
    lead = add_lead(api)
    page = api.anonymous.get(f"/u/{make_token('m-1', lead['id'], API_SETTINGS.secret_key)}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Unsubscribe" in page.text or "unsubscribe" in page.text
    assert api.anonymous.get("/u/not-a-token").status_code == 404


def test_a_provider_webhook_needs_its_own_secret_not_an_api_key(engine: Engine) -> None:
    settings = API_SETTINGS.model_copy(update={"webhook_secret": "hook-secret"})
    with running_api(engine, settings) as api:
        body = b"[]"
        signature = "sha256=" + hmac.new(b"hook-secret", body, hashlib.sha256).hexdigest()
        signed = api.anonymous.post("/webhooks/sendgrid", content=body, headers={"X-Aicmo-Signature": signature})
        assert signed.status_code == 200, signed.text
        assert api.client.post("/webhooks/sendgrid", content=body).status_code == 401  # an API key is no proof


def test_the_docs_and_the_openapi_schema_are_served_without_a_key(api: Api) -> None:
    docs = api.anonymous.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    schema = api.anonymous.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http", "scheme": "bearer", "description": "An API key from `aicmo apikey create NAME`."}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/api/"):
                assert operation["security"] == [{"HTTPBearer": []}], (method, path)
                assert "401" in operation["responses"], (method, path)
                assert operation.get("summary") and operation.get("description"), (method, path)
