import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.limits.models import RateCounterDB, RateGateDB
from aicmo.cam.limits.rules import Decision, Gate, Limit, Period
from aicmo.cam.limits.store import RateLimiter, Reservation

NOW = datetime(2024, 5, 15, 10, 30, tzinfo=UTC)
HOURLY = Limit("channel:email:hour", 3, Period.HOUR, "email")
DAILY = Limit("global:day", 5, Period.DAY, "all channels")
LEAD = Gate("lead:1", timedelta(hours=24), "lead 1")
limiter = RateLimiter()


def counts(db: Session) -> dict[tuple[str, datetime], int]:
    return {(row.key, row.window_start): row.count for row in db.scalars(select(RateCounterDB))}


def gate_time(db: Session, key: str) -> datetime | None:
    row = db.get(RateGateDB, key)
    return row.next_allowed_at if row else None


def test_a_cap_of_three_grants_exactly_three_and_names_the_next_hour(db: Session) -> None:
    results = [limiter.reserve(db, [HOURLY], [], NOW + timedelta(minutes=i)) for i in range(4)]
    assert all(isinstance(result, Reservation) for result in results[:3])
    refused = results[3]
    assert isinstance(refused, Decision) and not refused.allowed
    assert refused.retry_at == datetime(2024, 5, 15, 11, tzinfo=UTC)
    assert refused.blocked_by == "channel:email:hour: email per hour (cap 3)"
    db.commit()
    assert counts(db) == {("channel:email:hour", datetime(2024, 5, 15, 10, tzinfo=UTC)): 3}


def test_the_next_window_is_allowed_again(db: Session) -> None:
    for _ in range(3):
        limiter.reserve(db, [HOURLY], [], NOW)
    eleven = datetime(2024, 5, 15, 11, tzinfo=UTC)
    refused = Decision(False, retry_at=eleven, blocked_by="channel:email:hour: email per hour (cap 3)")
    assert limiter.reserve(db, [HOURLY], [], NOW) == refused
    assert limiter.reserve(db, [HOURLY], [], eleven) == Reservation(counters=(("channel:email:hour", eleven),))
    db.commit()
    assert counts(db) == {("channel:email:hour", datetime(2024, 5, 15, 10, tzinfo=UTC)): 3,
                          ("channel:email:hour", eleven): 1}


def test_the_last_microsecond_and_the_top_of_the_hour_count_in_different_windows(db: Session) -> None:
    limiter.reserve(db, [HOURLY], [], datetime(2024, 5, 15, 10, 59, 59, 999999, tzinfo=UTC))
    limiter.reserve(db, [HOURLY], [], datetime(2024, 5, 15, 11, tzinfo=UTC))
    db.commit()
    assert counts(db) == {("channel:email:hour", datetime(2024, 5, 15, 10, tzinfo=UTC)): 1,
                          ("channel:email:hour", datetime(2024, 5, 15, 11, tzinfo=UTC)): 1}


def test_a_gate_blocks_a_second_touch_until_exactly_now_plus_the_gap(db: Session) -> None:
    assert isinstance(limiter.reserve(db, [], [LEAD], NOW), Reservation)
    refused = limiter.reserve(db, [], [LEAD], NOW + timedelta(hours=23, minutes=59))
    assert isinstance(refused, Decision) and refused.retry_at == NOW + timedelta(hours=24)
    assert isinstance(limiter.reserve(db, [], [LEAD], NOW + timedelta(hours=24)), Reservation)
    db.commit()
    assert gate_time(db, "lead:1") == NOW + timedelta(hours=48)


def test_a_blocked_reserve_leaves_no_partial_increment(db: Session) -> None:
    full = Limit("mailbox:sales:day", 1, Period.DAY)
    assert isinstance(limiter.reserve(db, [full], [], NOW), Reservation)
    # "global:day" sorts before "mailbox:sales:day": it is taken first, then given back at once.
    refused = limiter.reserve(db, [DAILY, full], [LEAD], NOW)
    assert isinstance(refused, Decision) and refused.retry_at == datetime(2024, 5, 16, tzinfo=UTC)
    db.commit()
    assert counts(db).get(("global:day", datetime(2024, 5, 15, tzinfo=UTC)), 0) == 0
    assert gate_time(db, "lead:1") is None


def test_a_cap_of_zero_refuses_at_once_and_creates_no_counter(db: Session) -> None:
    closed = Limit("domain:acme.io:day", 0, Period.DAY, "acme.io")
    refused = limiter.reserve(db, [DAILY, closed, HOURLY], [LEAD], NOW)
    assert isinstance(refused, Decision) and not refused.allowed
    assert refused.blocked_by is not None and refused.blocked_by.startswith("domain:acme.io:day")
    db.commit()
    assert counts(db) == {} and gate_time(db, "lead:1") is None


def test_a_closed_gate_gives_back_the_counters_taken_before_it(db: Session) -> None:
    limiter.reserve(db, [], [LEAD], NOW)
    refused = limiter.reserve(db, [DAILY], [LEAD], NOW + timedelta(hours=1))
    assert isinstance(refused, Decision) and refused.retry_at == NOW + timedelta(hours=24)
    db.commit()
    assert counts(db).get(("global:day", datetime(2024, 5, 15, tzinfo=UTC)), 0) == 0


def test_a_blocked_reserve_keeps_the_callers_own_work(db: Session) -> None:
    db.add(RateGateDB(key="callers:own", next_allowed_at=NOW))
    assert isinstance(limiter.reserve(db, [Limit("k:day", 0, Period.DAY)], [], NOW), Decision)
    db.commit()
    assert gate_time(db, "callers:own") == NOW


def test_reserve_never_commits(db: Session) -> None:
    assert isinstance(limiter.reserve(db, [HOURLY, DAILY], [LEAD], NOW), Reservation)
    db.rollback()
    assert counts(db) == {} and gate_time(db, "lead:1") is None


def test_release_gives_the_slots_back(db: Session) -> None:
    limiter.reserve(db, [], [LEAD], NOW - timedelta(hours=30))
    for _ in range(2):
        limiter.reserve(db, [HOURLY], [], NOW)
    reservation = limiter.reserve(db, [HOURLY, DAILY], [LEAD], NOW)
    assert isinstance(reservation, Reservation)
    assert isinstance(limiter.reserve(db, [HOURLY], [], NOW), Decision)
    limiter.release(db, reservation)
    db.commit()
    assert counts(db) == {("channel:email:hour", datetime(2024, 5, 15, 10, tzinfo=UTC)): 2,
                          ("global:day", datetime(2024, 5, 15, tzinfo=UTC)): 0}
    assert gate_time(db, "lead:1") == NOW - timedelta(hours=6)
    assert isinstance(limiter.reserve(db, [HOURLY], [LEAD], NOW), Reservation)


def test_release_removes_a_gate_it_created_and_spares_one_moved_since(db: Session) -> None:
    first = limiter.reserve(db, [], [LEAD, Gate("lead:2", timedelta(hours=1))], NOW)
    assert isinstance(first, Reservation)
    later = limiter.reserve(db, [], [Gate("lead:2", timedelta(hours=1))], NOW + timedelta(hours=2))
    assert isinstance(later, Reservation)
    limiter.release(db, first)
    db.commit()
    assert gate_time(db, "lead:1") is None
    assert gate_time(db, "lead:2") == NOW + timedelta(hours=3)


def test_release_never_counts_below_zero(db: Session) -> None:
    reservation = limiter.reserve(db, [HOURLY], [], NOW)
    assert isinstance(reservation, Reservation)
    limiter.release(db, reservation)
    limiter.release(db, reservation)
    db.commit()
    assert set(counts(db).values()) == {0}


def test_a_reservation_survives_a_json_round_trip(db: Session) -> None:
    limiter.reserve(db, [], [LEAD], NOW - timedelta(days=2))
    reservation = limiter.reserve(db, [HOURLY, DAILY], [LEAD, Gate("lead:2", timedelta(hours=1))], NOW)
    assert isinstance(reservation, Reservation)
    restored = Reservation.from_dict(json.loads(json.dumps(reservation.to_dict())))
    assert restored == reservation
    assert restored.gates[0].previous == NOW - timedelta(days=1) and restored.gates[1].previous is None
    limiter.release(db, restored)
    db.commit()
    assert set(counts(db).values()) == {0} and gate_time(db, "lead:2") is None


def test_check_decides_without_taking_anything(db: Session) -> None:
    for _ in range(3):
        limiter.reserve(db, [HOURLY], [LEAD] if _ == 0 else [], NOW)
    decision = limiter.check(db, [HOURLY, DAILY], [LEAD], NOW)
    assert not decision.allowed and decision.retry_at == NOW + timedelta(hours=24)
    assert limiter.check(db, [DAILY], [], NOW).allowed
    db.commit()
    assert counts(db) == {("channel:email:hour", datetime(2024, 5, 15, 10, tzinfo=UTC)): 3}


def test_usage_shows_the_counts_of_the_current_windows(db: Session) -> None:
    weekly = Limit("channel:linkedin:week", 100, Period.WEEK)
    limiter.reserve(db, [HOURLY, DAILY, weekly], [], NOW - timedelta(hours=1))
    limiter.reserve(db, [HOURLY, DAILY], [], NOW)
    limiter.reserve(db, [DAILY], [], NOW - timedelta(days=1))
    assert limiter.usage(db, NOW) == {"channel:email:hour": 1, "channel:linkedin:week": 1, "global:day": 2}


def test_usage_at_midnight_does_not_mix_hour_and_day_windows(db: Session) -> None:
    midnight = datetime(2024, 5, 15, tzinfo=UTC)
    limiter.reserve(db, [HOURLY], [], midnight)
    assert limiter.usage(db, midnight + timedelta(hours=5)) == {}


def test_prune_deletes_only_windows_that_have_ended(db: Session) -> None:
    weekly = Limit("channel:linkedin:week", 100, Period.WEEK)
    limiter.reserve(db, [HOURLY, DAILY, weekly], [], NOW)
    assert limiter.prune(db, datetime(2024, 5, 15, 11, tzinfo=UTC)) == 1
    assert limiter.prune(db, datetime(2024, 5, 16, tzinfo=UTC)) == 1
    assert limiter.prune(db, datetime(2024, 5, 19, 23, 59, tzinfo=UTC)) == 0
    assert limiter.prune(db, datetime(2024, 5, 20, tzinfo=UTC)) == 1
    db.commit()
    assert counts(db) == {}
