"""A read alongside sees what the session sees: the same snapshot on PostgreSQL, the session itself elsewhere."""

import threading

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.db.alongside import read_alongside
from aicmo.db.engine import make_session_factory
from tests.factories import make_lead


def lead_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(LeadDB)) or 0


def add_lead(engine: Engine, name: str) -> None:
    with make_session_factory(engine)() as other:
        ops.create_lead(other, LeadCreate(**make_lead(first_name=name, email=f"{name.lower()}@acme.com")))


def test_a_read_alongside_sees_the_snapshot_of_the_session_not_what_was_committed_since(
        db: Session, engine: Engine) -> None:
    on_postgresql = engine.dialect.name == "postgresql"
    add_lead(engine, "Ada")
    if on_postgresql:  # a snapshot for the whole transaction, as a report's reads would want
        db.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    seen = lead_count(db)
    add_lead(engine, "Bea")

    count, thread = read_alongside(db, lambda other: (lead_count(other), threading.current_thread().name)).result()

    assert count == lead_count(db)
    if on_postgresql:
        assert (seen, count, thread.startswith("aicmo-read-alongside")) == (1, 1, True)


def test_a_session_that_has_written_reads_its_own_rows_in_place(db: Session, engine: Engine) -> None:
    db.add(LeadDB(email="unsaved@acme.com", first_name="Una"))
    db.flush()

    count, thread = read_alongside(db, lambda other: (lead_count(other), threading.current_thread().name)).result()

    assert (count, thread) == (1, threading.current_thread().name)
    db.rollback()


def test_an_error_in_the_read_reaches_whoever_takes_its_result(db: Session) -> None:
    def fails(_: Session) -> int:
        raise LookupError("nothing there")

    alongside = read_alongside(db, fails)

    with pytest.raises(LookupError, match="nothing there"):
        alongside.result()
