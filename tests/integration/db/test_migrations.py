"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and unwind."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from aicmo.cli.main import db_current
from aicmo.db.migrate import current_revision, downgrade, head_revision, upgrade
from aicmo.db.models import Base
from aicmo.settings import get_settings


def differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_an_empty_database_upgraded_to_head_has_exactly_the_schema_of_the_models(empty_database: Engine) -> None:
    assert current_revision(empty_database) is None
    upgrade(empty_database)
    assert current_revision(empty_database) == head_revision()
    assert tables(empty_database) == set(Base.metadata.tables)
    assert differences(empty_database) == []


def test_db_current_reports_the_head_after_an_upgrade(empty_database: Engine, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    upgrade(empty_database)
    monkeypatch.setenv("AICMO_DATABASE_URL", empty_database.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        db_current()
    finally:
        get_settings.cache_clear()
    assert capsys.readouterr().out == f"database: {head_revision()}, code: {head_revision()}\n"


def test_downgrading_to_base_removes_every_table_and_upgrading_again_restores_the_schema(
        empty_database: Engine) -> None:
    upgrade(empty_database)
    downgrade(empty_database, "base")
    assert current_revision(empty_database) is None
    assert tables(empty_database) == set()
    upgrade(empty_database)
    assert current_revision(empty_database) == head_revision()
    assert differences(empty_database) == []
