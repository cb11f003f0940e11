"""The real app over real HTTP on the test database (SQLite and PostgreSQL), and a client holding an API key."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.db.engine import make_session_factory
from aicmo.settings import Settings
from aicmo.web.app import create_app
from tests.factories import make_lead
from tests.support.http_app import local_client, serve_app

API_SETTINGS = Settings(secret_key="api-test-secret", public_base_url="https://app.example.com/")


@dataclass
class Api:
    base_url: str
    key: str
    client: httpx.Client  # sends the key
    anonymous: httpx.Client  # sends no key
    sessions: sessionmaker[Session]


@contextmanager
def running_api(engine: Engine, settings: Settings = API_SETTINGS) -> Iterator[Api]:
    """The app served on this database with these settings, and clients with and without a fresh key."""
    sessions = make_session_factory(engine)
    with sessions() as db:
        key = ops.create_api_key(db, "tests").secret
    with serve_app(create_app(settings, sessions)) as base_url, \
            local_client(base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client, \
            local_client(base_url, timeout=30) as anonymous:
        yield Api(base_url, key, client, anonymous, sessions)


@pytest.fixture
def api(engine: Engine) -> Iterator[Api]:
    with running_api(engine) as running:
        yield running


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    """A copy of the shipped grading profile, where AICMO_GRADING_PROFILE would point."""
    path = tmp_path / "icp.toml"
    path.write_text(files("aicmo.cam.grading").joinpath("default_profile.toml").read_text("utf-8"), "utf-8")
    return path


@pytest.fixture
def profile_api(engine: Engine, profile_file: Path) -> Iterator[Api]:
    """The app with its grading profile in a file of its own, which PUT /api/grading/profile replaces."""
    with running_api(engine, API_SETTINGS.model_copy(update={"grading_profile": profile_file})) as running:
        yield running


def add_lead(api: Api, **overrides: Any) -> dict[str, Any]:
    """Create a lead through the API (make_lead's fields, overridden) and return it as the API answered."""
    response = api.client.post("/api/leads", json=make_lead(**overrides))
    assert response.status_code == 201, response.text
    lead: dict[str, Any] = response.json()
    return lead
