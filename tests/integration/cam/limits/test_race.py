"""Four OS processes race for the same slots: exactly the cap is granted, on SQLite and on PostgreSQL."""

import multiprocessing
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select, text

from aicmo.cam.limits.models import RateCounterDB
from aicmo.cam.limits.rules import Gate, Limit, Period
from aicmo.cam.limits.store import RateLimiter, Reservation
from aicmo.db.engine import make_engine, make_session_factory

NOW = datetime(2024, 5, 15, 10, 30, tzinfo=UTC)
WORKERS, TRIES, CAP, PER_WORKER_CAP, GATE_TRIES = 4, 100, 150, 45, 10


def _connect_args(engine: Engine) -> dict[str, Any]:
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as connection:
        search_path = connection.execute(text("SHOW search_path")).scalar_one()
    return {"options": f"-csearch_path={search_path}"}


def _race(url: str, connect_args: dict[str, Any], worker: int, start: Any, results: Any) -> None:
    engine = make_engine(url, connect_args=connect_args)
    factory = make_session_factory(engine)
    limiter = RateLimiter()
    limits = [Limit("global:day", CAP, Period.DAY), Limit(f"worker:{worker}:day", PER_WORKER_CAP, Period.DAY)]
    gate = Gate("lead:1", timedelta(hours=24))
    start.wait(timeout=60)
    granted = gates_passed = 0
    for _ in range(TRIES):
        with factory() as db, db.begin():
            granted += isinstance(limiter.reserve(db, limits, [], NOW), Reservation)
    for _ in range(GATE_TRIES):
        with factory() as db, db.begin():
            gates_passed += isinstance(limiter.reserve(db, [], [gate], NOW), Reservation)
    engine.dispose()
    results.put((worker, granted, gates_passed))


def test_four_processes_are_granted_exactly_the_cap_between_them(engine: Engine) -> None:
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(WORKERS), context.Queue()
    url = engine.url.render_as_string(hide_password=False)
    processes = [context.Process(target=_race, args=(url, _connect_args(engine), worker, start, results))
                 for worker in range(WORKERS)]
    for process in processes:
        process.start()
    outcomes = sorted(results.get(timeout=180) for _ in processes)
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0

    with make_session_factory(engine)() as db:
        counts = {row.key: row.count for row in db.scalars(select(RateCounterDB))}
    assert sum(granted for _, granted, _ in outcomes) == CAP
    assert counts["global:day"] == CAP
    # A refused reservation gave back the per-worker slot it had taken: those counters add up to the cap too.
    assert all(counts[f"worker:{worker}:day"] == granted <= PER_WORKER_CAP for worker, granted, _ in outcomes)
    assert sum(passed for _, _, passed in outcomes) == 1
