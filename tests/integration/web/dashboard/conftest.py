"""The real app served over HTTP on a test database, and a client logged in to its dashboard."""

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.db.engine import make_session_factory
from aicmo.web.app import create_app
from tests.integration.web.dashboard.seed import Seeded, seed
from tests.integration.web.dashboard.support import SETTINGS, log_in
from tests.support.http_app import local_client, serve_app


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def dashboard_url(sessions: sessionmaker[Session]) -> Iterator[str]:
    """The dashboard's address: the whole app served on 127.0.0.1, /app of it."""
    with serve_app(create_app(SETTINGS, sessions)) as base_url:
        yield f"{base_url}/app"


@pytest.fixture
def api_key(db: Session) -> str:
    return ops.create_api_key(db, "operator").secret


@pytest.fixture
def visitor(dashboard_url: str) -> Iterator[httpx.Client]:
    """A browser-like client with no session yet."""
    with local_client(dashboard_url) as client:
        yield client


@pytest.fixture
def operator(visitor: httpx.Client, api_key: str) -> httpx.Client:
    """A client logged in with a live API key."""
    response = log_in(visitor, api_key)
    assert response.status_code == 303, response.text
    return visitor


@pytest.fixture
def seeded(db: Session, sessions: sessionmaker[Session]) -> Seeded:
    return seed(db, sessions)
