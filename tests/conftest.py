"""Real databases for the tests: a fresh SQLite file, and PostgreSQL when it is reachable.

PostgreSQL tests run against AICMO_TEST_POSTGRES_URL (default: the local server, database `test`) in a
schema of their own. Where the server is unreachable they are skipped with the reason, unless
AICMO_REQUIRE_POSTGRES=1, which makes that a failure (CI sets it).
"""

import gc
import os
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from aicmo.db.engine import make_engine, make_session_factory

POSTGRES_URL = os.environ.get("AICMO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("AICMO_REQUIRE_POSTGRES") == "1"
# A secret key the code under test makes on first use is kept here, never in the checkout or the home directory.
os.environ.setdefault("AICMO_SECRET_KEY_FILE", str(Path(tempfile.mkdtemp(prefix="aicmo-test-key-")) / "secret.key"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse two tests with one node id: pytest-xdist deals tests out by id and would run only one of them."""
    counts = Counter(item.nodeid for item in items)
    repeated = sorted(nodeid for nodeid, count in counts.items() if count > 1)
    if repeated:
        raise pytest.UsageError(f"{len(repeated)} node ids name several tests, e.g. {repeated[0]}; give each an id")


@pytest.hookimpl(trylast=True)
def pytest_unconfigure() -> None:
    """A run leaves about a million objects alive. Python's collections while it exits would walk them all, about
    1.5 s per test process; frozen, they are freed with the process instead."""
    gc.freeze()


def _postgres_problem() -> str | None:
    try:
        probe = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with probe.connect() as connection:
            connection.execute(text("select 1"))
        probe.dispose()
    except Exception as exc:  # any failure to reach the server means: no PostgreSQL here
        return f"PostgreSQL unreachable at {POSTGRES_URL}: {type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from aicmo.db.migrate import upgrade  # here, not at the top: the unit tier loads this file and needs no database

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'aicmo.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgresql_engine() -> Iterator[Engine]:
    problem = _postgres_problem()
    if problem:
        if REQUIRE_POSTGRES:
            pytest.fail(problem + " (AICMO_REQUIRE_POSTGRES=1)")
        pytest.skip(problem)
    from aicmo.db.migrate import upgrade

    schema = f"aicmo_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    upgrade(engine)
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def empty_tables(engine: Engine) -> None:
    from aicmo.db.models import Base

    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # TRUNCATE (about 100 ms) rather than DELETE (7 ms): it gives each table new, empty files, so rows come
            # back in the order they were written. After DELETEs, autovacuum lets new rows fill old pages, and a
            # query whose ORDER BY leaves ties (messages due at the same instant) returned them in another order.
            names = ", ".join(table.name for table in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
            connection.execute(text("DELETE FROM sqlite_sequence")) if _has_sequence(connection) else None


def _has_sequence(connection: object) -> bool:
    return bool(connection.execute(  # type: ignore[attr-defined]
        text("SELECT count(*) FROM sqlite_master WHERE name='sqlite_sequence'")).scalar())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated, empty database: each test using it runs on SQLite and on PostgreSQL."""
    chosen: Engine = request.getfixturevalue(f"{request.param}_engine")
    empty_tables(chosen)
    yield chosen
    empty_tables(chosen)


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with make_session_factory(engine)() as session:
        yield session


@pytest.fixture
def write_file(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a file under tmp_path: text (encoded as given) or bytes; return its path."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write
