"""A second read beside a session's own, on PostgreSQL: another connection that sees the same snapshot."""

import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from aicmo.db.engine import allow_sort_memory

T = TypeVar("T")

_SNAPSHOT_ID = re.compile(r"[0-9A-F]+(-[0-9A-F]+)+")
_READERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="aicmo-read-alongside")


def read_alongside(db: Session, read: Callable[[Session], T]) -> Future[T]:
    """Start `read` on a second PostgreSQL connection that sees exactly what `db` sees now, so two long reads of one
    report run at once; take its answer with `.result()` before `db`'s transaction ends.

    Elsewhere (SQLite: one file, small data), and in a transaction that has written rows a second connection could
    not see, `read` runs here on `db` and the future is already done.
    """
    bind = db.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if engine.dialect.name != "postgresql" or db.execute(text("SELECT pg_current_xact_id_if_assigned()")).scalar():
        done: Future[T] = Future()
        try:
            done.set_result(read(db))
        except BaseException as exc:  # handed to whoever takes the result, as a thread's would be
            done.set_exception(exc)
        return done
    snapshot = db.execute(text("SELECT pg_export_snapshot()")).scalar_one()
    if not _SNAPSHOT_ID.fullmatch(snapshot):
        raise ValueError(f"unexpected snapshot id from the database: {snapshot!r}")

    def run() -> T:
        with Session(engine) as other:
            other.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            other.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))  # a SET takes no parameters
            allow_sort_memory(other)
            return read(other)

    return _READERS.submit(run)
