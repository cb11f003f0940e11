"""A migration run is all or nothing, on SQLite as on PostgreSQL, and leaves the application's connections as they were.

Each test adds a revision of its own on top of head, in a directory of its own that the run reads besides ours.
"""

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config
from sqlalchemy import Engine, inspect, text

from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.leads.enums import KeyKind
from aicmo.cam.leads.models import LeadAliasDB, LeadDB
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import MIGRATIONS_DIR, MigrationFailed, alembic_config, current_revision, head_revision, upgrade
from tests.integration.cli.test_mailboxes_cli import run

REVISION = '''
import sqlalchemy as sa
from alembic import op

revision = "extra"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
    # On SQLite a rebuild of the table every other table points at: a copy, a drop, a rename.
    recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("leads", recreate=recreate) as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(50)))
    op.execute("UPDATE leads SET nickname = 'JD'")
    {then}


def downgrade() -> None:
    pass
'''
FAILURES: dict[str, tuple[str, type[Exception]]] = {
    "a statement is refused": ("op.execute('INSERT INTO campaigns (name, status, settings, created_at, updated_at) "
                               "SELECT name, status, settings, created_at, updated_at FROM campaigns')",
                               MigrationFailed),  # a second campaign of the same name
    "a row would point nowhere": ("op.execute(\"INSERT INTO lead_aliases (kind, value, lead_id) "
                                  "VALUES ('email', 'ghost@acme.io', 999)\")", MigrationFailed),
    "the migration's code raises": ("raise RuntimeError('halfway')", RuntimeError),
}


def with_revision(engine: Engine, directory: Path, then: str) -> Config:
    """Our migrations plus one more on top of head, which does `then` after changing the schema."""
    (directory / "extra.py").write_text(REVISION.format(head=head_revision(), then=then), encoding="utf-8")
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", f"{MIGRATIONS_DIR / 'versions'}{os.pathsep}{directory}")
    return config


def with_a_lead(engine: Engine) -> None:
    upgrade(engine)
    with make_session_factory(engine).begin() as db:
        lead = LeadDB(first_name="Jane", email="jane@acme.io")
        db.add_all([lead, CampaignDB(name="spring")])
        db.flush()
        db.add(LeadAliasDB(kind=KeyKind.EMAIL, value="j.doe@acme.io", lead_id=lead.id))


def everything(engine: Engine) -> dict[str, Any]:
    """Every table's columns, indexes and rows."""
    inspector = inspect(engine)
    with engine.connect() as connection:
        return {table: ([(c["name"], str(c["type"])) for c in inspector.get_columns(table)],
                        sorted(str(index["name"]) for index in inspector.get_indexes(table)),
                        sorted(map(repr, connection.execute(text(f'SELECT * FROM "{table}"')))))
                for table in inspector.get_table_names()}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_migration_failing_halfway_leaves_the_database_exactly_as_it_was(empty_database: Engine, tmp_path: Path,
                                                                           failure: str) -> None:
    with_a_lead(empty_database)
    before = everything(empty_database)
    then, expected = FAILURES[failure]
    config = with_revision(empty_database, tmp_path, then)
    with pytest.raises(expected):
        upgrade(empty_database, config=config)
    assert everything(empty_database) == before
    assert current_revision(empty_database) == head_revision()


def test_a_rebuilt_table_keeps_every_row_pointing_at_it(empty_database: Engine, tmp_path: Path) -> None:
    with_a_lead(empty_database)
    upgrade(empty_database, config=with_revision(empty_database, tmp_path, "pass"))
    assert current_revision(empty_database) == "extra"
    with empty_database.connect() as connection:
        assert connection.execute(text("SELECT nickname FROM leads")).scalars().all() == ["JD"]
        assert connection.execute(text("SELECT value FROM lead_aliases")).scalars().all() == ["j.doe@acme.io"]
        assert "half_done" in inspect(connection).get_table_names()


def test_after_a_migration_sqlite_connections_enforce_foreign_keys_and_begin_as_the_driver_does(
        tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}", pool_size=1)
    with_a_lead(engine)
    with pytest.raises(RuntimeError):
        upgrade(engine, config=with_revision(engine, tmp_path, FAILURES["the migration's code raises"][0]))
    with engine.connect() as connection:  # the pool's only connection: the one the migrations ran on
        driver = connection.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection) and driver.isolation_level == ""
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_db_upgrade_on_a_database_it_cannot_migrate_says_why_on_one_line_and_exits_non_zero(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "aicmo.db") as newer:
        newer.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        newer.execute("INSERT INTO alembic_version VALUES ('0999')")
    done = run(tmp_path, "db", "upgrade", ok=False)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ("error: the database was not migrated to head and is unchanged: "
                           "Can't locate revision identified by '0999'\n")

    (tmp_path / "aicmo.db").write_bytes(b"these are not the tables you are looking for" * 100)
    done = run(tmp_path, "db", "upgrade", ok=False)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "error: the database was not migrated to head and is unchanged: file is not a database\n"
