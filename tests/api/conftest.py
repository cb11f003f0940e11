"""The real app over real HTTP on the test database (SQLite and PostgreSQL), and a client holding an API key."""

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.db.engine import make_session_factory
from aicmo.settings import Settings
from aicmo.web.app import create_app
from tests.support.http_app import serve_app

API_SETTINGS = Settings(secret_key="api-test-secret", public_base_url="https://app.example.com/")


@dataclass
class Api:
    base_url: str
    key: str
    client: httpx.Client  # sends the key
    anonymous: httpx.Client  # sends no key
    sessions: sessionmaker[Session]


@pytest.fixture
def api(engine: Engine) -> Iterator[Api]:
    sessions = make_session_factory(engine)
    with sessions() as db:
        key = ops.create_api_key(db, "tests").secret
    with serve_app(create_app(API_SETTINGS, sessions)) as base_url, \
            httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client, \
            httpx.Client(base_url=base_url, timeout=30) as anonymous:
        yield Api(base_url, key, client, anonymous, sessions)
