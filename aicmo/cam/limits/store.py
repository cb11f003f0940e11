"""Rate-limit counters and gates in the database: exact across processes, inside the caller's transaction.

Exactness comes from the conditional UPDATE ``count = count + 1 WHERE ... AND count < cap``. On PostgreSQL it
takes the row lock; a concurrent updater waits for it and, once the holder commits, re-checks ``count < cap``
against the committed row (READ COMMITTED), so no two transactions can both take the last slot; rowcount 0
means full. A read-then-write would let two processes both see "one left". On SQLite, reserve opens the
transaction with BEGIN IMMEDIATE: the database's single write lock is held until commit, so reservations run
one after another.

Round trips per reserve: one INSERT ... ON CONFLICT DO UPDATE over every counter row of the reservation, in key
order: a missing row is created holding its first slot, an existing one takes a slot only while under its cap
(the conflicting row is locked before that condition is checked, and re-read at its latest committed version),
and the rows that got a slot come back; then one to three statements per gate. The rows are taken in the order
of the VALUES list, sorted by key, so two reservations lock shared rows in one order (counters, then gates).
Several reservations in one transaction can still wait on each other across two transactions; PostgreSQL then
aborts one of them as a deadlock, and the caller retries (the worker takes such a batch again one message per
transaction).

All or nothing without a savepoint: when one limit or gate refuses, what this reservation took before it is given
back at once with `release`, in the same transaction and under the same locks, so no other transaction ever sees it.
"""

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Integer, Table, TextualSelect, and_, bindparam, delete, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from aicmo.cam.limits.models import RateCounterDB, RateGateDB
from aicmo.cam.limits.rules import LENGTHS, Decision, Gate, Limit, Period, decide, lead_gate_key, window_start

COUNTERS = cast(Table, RateCounterDB.__table__)
GATES = cast(Table, RateGateDB.__table__)
PERIOD_NAMES = frozenset(period.value for period in Period)

# Built once with bound parameters: constructing statements per reserve cost more than running them.
_READ_GATE = select(GATES.c.next_allowed_at).where(GATES.c.key == bindparam("k")).with_for_update()
_MOVE_GATE = update(GATES).where(GATES.c.key == bindparam("k")).values(next_allowed_at=bindparam("at"))
_NEW_GATE = {name: insert(GATES).values(key=bindparam("k"), next_allowed_at=bindparam("at"))
             .on_conflict_do_nothing().returning(GATES.c.key)
             for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))}


@dataclass(frozen=True, slots=True)
class HeldGate:
    key: str
    previous: datetime | None  # the gate's time before we moved it; None: there was no gate row
    next_allowed_at: datetime  # the time we set


@dataclass(frozen=True, slots=True)
class Reservation:
    counters: tuple[tuple[str, datetime], ...]
    gates: tuple[HeldGate, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "counters": [[key, start.isoformat()] for key, start in self.counters],
            "gates": [{"key": g.key, "previous": g.previous.isoformat() if g.previous is not None else None,
                       "next_allowed_at": g.next_allowed_at.isoformat()} for g in self.gates],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Reservation":
        return cls(
            counters=tuple((key, datetime.fromisoformat(start)) for key, start in data.get("counters", [])),
            gates=tuple(HeldGate(g["key"], datetime.fromisoformat(g["previous"]) if g["previous"] else None,
                                 datetime.fromisoformat(g["next_allowed_at"])) for g in data.get("gates", [])),
        )


def _period_of(key: str) -> Period | None:
    suffix = key.rpartition(":")[2]
    return Period(suffix) if suffix in PERIOD_NAMES else None


def _slots(limits: Iterable[Limit], now: datetime) -> list[tuple[str, datetime, int]]:
    """One (key, window_start, cap) per counter row, sorted; a key given twice keeps its smallest cap."""
    caps: dict[tuple[str, datetime], int] = {}
    for limit in limits:
        slot = (limit.key, window_start(now, limit.period))
        caps[slot] = min(caps.get(slot, limit.cap), limit.cap)
    return [(key, start, cap) for (key, start), cap in sorted(caps.items())]


def _begin_for_real(connection: Connection) -> None:
    """Open a real SQLite transaction before the savepoint, holding the write lock.

    pysqlite opens transactions lazily, at the first INSERT/UPDATE/DELETE. A SAVEPOINT issued before that is
    the outermost transaction, and releasing it would commit the caller's work.
    """
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not getattr(raw, "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@functools.cache
def _take_slots(count: int) -> TextualSelect:
    """Take one slot in each of `count` counter rows, creating missing rows with their first slot taken; returns
    the rows that got one. A row at its cap is left as it is (and, on PostgreSQL, locked until commit).

    Written as text: SQLAlchemy compiles a multi-row VALUES insert afresh on every execution (it has no cache
    key), which cost more than the round trip. The statement reads the same on PostgreSQL and SQLite.
    """
    rows = ", ".join(f"(:k{i}, :w{i}, 1)" for i in range(count))
    caps = " ".join(f'WHEN rate_counters."key" = :k{i} AND rate_counters.window_start = :w{i} THEN :cap{i}'
                    for i in range(count))
    key_type, start_type = COUNTERS.c.key.type, COUNTERS.c.window_start.type  # stored as every other query reads
    return text(
        f'INSERT INTO rate_counters ("key", window_start, count) VALUES {rows} '
        'ON CONFLICT ("key", window_start) DO UPDATE SET count = rate_counters.count + 1 '
        f'WHERE rate_counters.count < CASE {caps} ELSE 0 END '
        'RETURNING "key", window_start',
    ).bindparams(*(param for i in range(count) for param in (
        bindparam(f"k{i}", type_=key_type), bindparam(f"w{i}", type_=start_type), bindparam(f"cap{i}", type_=Integer),
    ))).columns(COUNTERS.c.key, COUNTERS.c.window_start)


Blocked = tuple[str, datetime] | None  # what refused: (key, window start or gate time); None: a counter, unnamed


class RateLimiter:
    def reserve(self, db: Session, limits: Sequence[Limit], gates: Sequence[Gate],
                now: datetime) -> "Reservation | Decision":
        """Take one slot of every limit and pass every gate, all or nothing; never commits."""
        connection = db.connection()
        _begin_for_real(connection)
        slots = _slots(limits, now)
        held: list[HeldGate] = []
        every_counter, taken, blocked = self._take_counters(connection, slots)
        if every_counter:
            held, blocked = self._pass_gates(connection, sorted(gates, key=lambda g: g.key), now)
            if blocked is None:
                return Reservation(counters=tuple((key, start) for key, start, _ in slots), gates=tuple(held))
        self.release(db, Reservation(counters=tuple(taken), gates=tuple(held)))
        return self._blocked_decision(db, limits, gates, now, blocked)

    def _take_counters(self, connection: Connection, slots: list[tuple[str, datetime, int]],
                       ) -> tuple[bool, list[tuple[str, datetime]], Blocked]:
        """Whether every counter had room, the slots taken, and, on PostgreSQL, which counter refused."""
        if not slots:
            return True, [], None
        full = next(((key, start) for key, start, cap in slots if cap < 1), None)
        if full is not None:
            return False, [], full  # no slot to take: nothing is created
        dialect = connection.dialect.name
        values: dict[str, Any] = {}
        for i, (key, start, cap) in enumerate(slots):
            values[f"k{i}"], values[f"w{i}"], values[f"cap{i}"] = key, start, cap
        taken = [(key, start) for key, start in connection.execute(_take_slots(len(slots)), values)]
        if len(taken) == len(slots):
            return True, taken, None
        if dialect != "postgresql":
            return False, taken, None  # SQLite: read back under the same write lock, the counts say which
        got = set(taken)
        return False, taken, next((key, start) for key, start, _ in slots if (key, start) not in got)

    def _pass_gates(self, connection: Connection, gates: list[Gate], now: datetime) -> tuple[list[HeldGate], Blocked]:
        """The gates passed, in order, up to the first closed one, and that one (None when all passed)."""
        dialect = connection.dialect.name
        held: list[HeldGate] = []
        for gate in gates:
            passed = self._pass_gate(connection, dialect, gate, now)
            if not isinstance(passed, HeldGate):
                return held, (gate.key, passed)
            held.append(passed)
        return held, None

    def _pass_gate(self, connection: Connection, dialect: str, gate: Gate, now: datetime) -> "HeldGate | datetime":
        """Move the gate to now + gap if it is open; else return when it opens."""
        opens_at = now + gate.gap
        for _ in range(5):
            created = connection.execute(_NEW_GATE[dialect], {"k": gate.key, "at": opens_at}).first()
            if created:
                return HeldGate(gate.key, None, opens_at)
            # FOR UPDATE holds the row until commit (PostgreSQL); SQLite already holds its write lock.
            previous: datetime | None = connection.execute(_READ_GATE, {"k": gate.key}).scalar()
            if previous is None:
                continue  # a release deleted the row in between: insert again
            if previous > now:
                return previous
            connection.execute(_MOVE_GATE, {"k": gate.key, "at": opens_at})
            return HeldGate(gate.key, previous, opens_at)
        raise RuntimeError(f"gate {gate.key} kept vanishing while being passed")

    def _blocked_decision(self, db: Session, limits: Sequence[Limit], gates: Sequence[Gate], now: datetime,
                          blocked: Blocked) -> Decision:
        counts, gate_times = self._read(db, limits, gates, now)
        if blocked is None:  # SQLite: read under the same write lock, so the counts are what refused
            return decide(limits, gates, counts, gate_times, now)
        # What we saw blocked stays blocked in the answer, even if a slot was given back since.
        key, seen = blocked
        if any(gate.key == key for gate in gates):
            gate_times[key] = max(gate_times.get(key, seen), seen)
        else:
            counts[blocked] = max(counts.get(blocked, 0), min(limit.cap for limit in limits if limit.key == key))
        return decide(limits, gates, counts, gate_times, now)

    def release(self, db: Session, reservation: Reservation) -> None:
        """Give back the slots of a send that did not go out; never commits."""
        connection = db.connection()
        for key, start in sorted(reservation.counters):
            connection.execute(update(COUNTERS).where(
                COUNTERS.c.key == key, COUNTERS.c.window_start == start, COUNTERS.c.count > 0,
            ).values(count=COUNTERS.c.count - 1))
        for gate in sorted(reservation.gates, key=lambda g: g.key):
            # A gate moved again since (a later touch) keeps its new time.
            ours = and_(GATES.c.key == gate.key, GATES.c.next_allowed_at == gate.next_allowed_at)
            if gate.previous is None:
                connection.execute(delete(GATES).where(ours))
            else:
                connection.execute(update(GATES).where(ours).values(next_allowed_at=gate.previous))

    def check(self, db: Session, limits: Sequence[Limit], gates: Sequence[Gate], now: datetime) -> Decision:
        """Decide without taking anything: for display, and to skip work that would be refused."""
        counts, gate_times = self._read(db, limits, gates, now)
        return decide(limits, gates, counts, gate_times, now)

    def _read(self, db: Session, limits: Sequence[Limit], gates: Sequence[Gate],
              now: datetime) -> tuple[dict[tuple[str, datetime], int], dict[str, datetime]]:
        slots = {(limit.key, window_start(now, limit.period)) for limit in limits}
        counts: dict[tuple[str, datetime], int] = {}
        if slots:
            rows = db.execute(select(COUNTERS.c.key, COUNTERS.c.window_start, COUNTERS.c.count).where(
                COUNTERS.c.key.in_({key for key, _ in slots}),
                COUNTERS.c.window_start.in_({start for _, start in slots})))
            counts = {(key, start): count for key, start, count in rows if (key, start) in slots}
        gate_times: dict[str, datetime] = {}
        if gates:
            opening = db.execute(select(GATES.c.key, GATES.c.next_allowed_at).where(
                GATES.c.key.in_({gate.key for gate in gates})))
            gate_times = {key: at for key, at in opening}
        return counts, gate_times

    def usage(self, db: Session, now: datetime) -> dict[str, int]:
        """Count per key in the windows holding now; keys name their period last (``channel:email:hour``)."""
        starts = {period: window_start(now, period) for period in Period}
        rows = db.execute(select(COUNTERS.c.key, COUNTERS.c.window_start, COUNTERS.c.count)
                          .where(COUNTERS.c.window_start.in_(set(starts.values()))))
        usage: dict[str, int] = {}
        for key, start, count in rows:
            period = _period_of(key)
            if period is not None and starts[period] == start:
                usage[key] = count
        return dict(sorted(usage.items()))

    def prune(self, db: Session, before: datetime) -> int:
        """Delete counters whose windows ended before a time; return how many."""
        # A key without a period suffix is kept until even a week-long window would have ended.
        ended = [COUNTERS.c.window_start <= before - LENGTHS[Period.WEEK]]
        ended += [and_(COUNTERS.c.key.endswith(f":{period}", autoescape=True),
                       COUNTERS.c.window_start <= before - LENGTHS[period]) for period in (Period.HOUR, Period.DAY)]
        result = db.connection().execute(delete(COUNTERS).where(or_(*ended)))
        return result.rowcount


def carry_lead_gates(connection: Connection, folds: Sequence[tuple[int, int]]) -> None:
    """Hand each folded lead's gates to the lead it was folded into, in the caller's transaction.

    They were one person all along: the survivor may be reached no sooner than either of them could have been.
    """
    for folded, survivor in folds:
        own, theirs = lead_gate_key(folded), lead_gate_key(survivor)
        moved = connection.execute(select(GATES.c.key, GATES.c.next_allowed_at).where(
            or_(GATES.c.key == own, GATES.c.key.like(f"{own}:%")))).all()
        for key, next_allowed_at in moved:
            target = theirs + key.removeprefix(own)
            current = connection.execute(_READ_GATE, {"k": target}).scalar()
            if current is None:
                connection.execute(_NEW_GATE[connection.dialect.name], {"k": target, "at": next_allowed_at})
            elif next_allowed_at > current:
                connection.execute(_MOVE_GATE, {"k": target, "at": next_allowed_at})
        if moved:
            connection.execute(delete(GATES).where(GATES.c.key.in_([key for key, _ in moved])))
