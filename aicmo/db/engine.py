from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from aicmo.db import json_codec


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the API read while an import writes. With NORMAL sync a commit survives the process crashing;
    # only a power loss can take back the last commits, never leave the file inconsistent.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # SQLite's own lower() folds ASCII only: 'Ørsted' would never match a search for 'ørsted'.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _tune_postgresql(dbapi_connection: Any, _record: Any) -> None:
    # A list parameter (the import's `key = ANY(:keys)` with thousands of keys) goes in binary: the text form
    # tests every element for quoting with a regex, three times the cost.
    from psycopg.types.array import ListBinaryDumper

    dbapi_connection.adapters.register_dumper(list, ListBinaryDumper)
    # Compiling a report query to machine code (PostgreSQL's JIT, on by default from version 12) took 0.5 s of the
    # 1 s an attribution query over a million attempts needs in all (bench/analytics.py): our queries are index
    # lookups and groupings the interpreter runs faster than the compiler can prepare them.
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    dbapi_connection.execute("SET jit = off")
    dbapi_connection.autocommit = autocommit


def allow_sort_memory(db: Session, megabytes: int = 64) -> None:
    """Let the sorts and hashes of this transaction alone use up to `megabytes` each on PostgreSQL."""
    # Ordering a million attempts by lead and time spilled to disk at the default 4 MB and took twice as long
    # (bench/analytics.py); SET LOCAL ends with the transaction, so only the report that asked holds the memory.
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text(f"SET LOCAL work_mem = '{int(megabytes)}MB'"))


def without_parallel_workers(db: Session) -> None:
    """Keep this transaction's queries to their own process on PostgreSQL, for a report that already runs several
    reads at once: parallel workers would only compete with those reads for the same cores."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def make_engine(url: str, **kwargs: Any) -> Engine:
    kwargs.setdefault("json_serializer", json_codec.dumps)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
    elif engine.dialect.driver == "psycopg":
        event.listen(engine, "connect", _tune_postgresql)
    return engine


@contextmanager
def sqlite_transactional_ddl(connection: Connection) -> Iterator[None]:
    """Make the transaction the block begins on this SQLite connection hold its DDL too, foreign keys unenforced.

    pysqlite BEGINs only before INSERT/UPDATE/DELETE, so each CREATE, ALTER or DROP commits on its own. This is
    SQLAlchemy's recipe for that (pysqlite's isolation_level None, our own BEGIN on the "begin" event), on this
    one connection and undone after it, so pooled connections keep the driver's usual behaviour. Foreign keys are
    switched off before BEGIN, the only place that PRAGMA works: rebuilding a table in batch mode drops the old
    one, which would otherwise cascade to the rows pointing at it. Check them before the commit.
    """
    if connection.in_transaction():
        raise RuntimeError("a SQLite schema change begins its own transaction: pass a connection outside one")
    driver = connection.connection.driver_connection
    isolation_level = driver.isolation_level  # type: ignore[union-attr]
    enforced = driver.execute("PRAGMA foreign_keys").fetchone()[0]  # type: ignore[union-attr]
    driver.isolation_level = None  # type: ignore[union-attr]
    event.listen(connection, "begin", _begin_without_foreign_keys)
    try:
        yield
    finally:
        event.remove(connection, "begin", _begin_without_foreign_keys)
        if connection.in_transaction():
            connection.rollback()
        driver.execute(f"PRAGMA foreign_keys={'ON' if enforced else 'OFF'}")  # type: ignore[union-attr]
        driver.isolation_level = isolation_level  # type: ignore[union-attr]


def _begin_without_foreign_keys(connection: Connection) -> None:
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    # IMMEDIATE: the write lock from the start, so two processes migrating at once queue (busy_timeout) instead of
    # one failing when both try to turn a read lock into a write lock.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def foreign_key_violations(connection: Connection) -> list[str]:
    """SQLite's own check, for use before committing work done with foreign keys unenforced."""
    rows = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    return [f"{table} row {rowid} points at a missing {parent} row" for table, rowid, parent, _ in rows]


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session that commits once at the end, or rolls everything back on error."""
    with factory() as session, session.begin():
        yield session
