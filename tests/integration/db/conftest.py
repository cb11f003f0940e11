"""Databases with no table at all, for the migrations to build."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from aicmo.db.engine import make_engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database with no table at all: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    server: Engine = request.getfixturevalue("postgresql_engine")
    schema = f"aicmo_migrations_{uuid.uuid4().hex[:10]}"
    with server.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(server.url.update_query_dict({"options": f"-csearch_path={schema}"})
                         .render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with server.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
