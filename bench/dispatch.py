"""The worker's dispatch against bare aiosmtplib, and how long a rate-limit decision takes.

    python bench/dispatch.py [--messages 10000] [--concurrency 8] [--skip-postgres] [--quick] [--profile]
    python bench/dispatch.py --slow 5 [--messages 500] [--slow-delay 20]

bare     N messages, each built as an email.message.EmailMessage (From, To, Subject, Message-ID, Date, a short
         text body), sent with aiosmtplib over one reused connection. Measured before every configuration
         below, so each ratio compares with a baseline taken moments earlier.
ours     N messages enqueued for N leads and delivered by `Worker.run(once=True)`: claim under a lease, the
         rate-limit reservation (channel, mailbox, domain and global caps and the per-lead gate, all set high
         but present), compose, SMTP, attempt and status recorded. On a fresh SQLite file and a fresh
         PostgreSQL schema, with one worker in this process and with 4 worker processes
         (`python -m tests.support.worker_process`, timed from start to the last exit, start-up included).
limits   p50/p99 of the pure decision `rules.decide` and of a database reservation `RateLimiter.reserve` +
         commit on each database.
Everything goes into one aiosmtpd sink in a thread of this process that accepts every message and counts them;
after each run the sink's count and the messages' statuses are checked. With --profile, a 1,000-message
in-process SQLite run is profiled instead and the top cumulative entries inside aicmo/ are printed.
With --slow K, the slow-recipient scenario (bench/slow_recipients.py) runs instead: 500 messages unless
--messages says otherwise, without and then with K recipients answering the end of DATA after 20 s; its last
line is `slow-recipient delay ratio: <x>`.
"""

import argparse
import asyncio
import contextlib
import cProfile
import io
import logging
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosmtplib
import psycopg
from aiosmtpd.controller import Controller
from slow_recipients import SlowRun, SlowSink, measure, report
from sqlalchemy import func, insert, select

from aicmo import operator_services as ops
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.limits.rules import ChannelLimits, Gate, Limit, SendScope, decide, limits_for, window_start
from aicmo.cam.limits.store import RateLimiter, Reservation
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.channels import build_registry
from aicmo.cam.outreach.domain import Channel, MessageStatus, SmtpSecurity
from aicmo.cam.outreach.models import MailboxDB, OutreachMessageDB
from aicmo.cam.worker.loop import Worker
from aicmo.db.base import utcnow
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import upgrade
from aicmo.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("AICMO_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PROCESSES = 4
BARE_WARM_UP = 200
DECISION_CALLS = 100_000
RESERVE_CALLS = 2_000
HIGH = 10**9


class Sink:
    """aiosmtpd handler that accepts every message and counts messages and bytes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.messages = 0
        self.bytes = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.messages += 1
            self.bytes += len(envelope.content)
        return "250 2.0.0 Ok"

    def reset(self) -> tuple[int, int]:
        with self._lock:
            counted, self.messages, self.bytes = (self.messages, self.bytes), 0, 0
        return counted


class EphemeralController(Controller):
    """A Controller on port 0: aiosmtpd 1.4 would connect to port 0 to wake its server, so learn the port first."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


@contextlib.contextmanager
def sink_in_thread() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    controller = EphemeralController(sink, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield sink, int(controller.port)
    finally:
        controller.stop()


# --- bare aiosmtplib --------------------------------------------------------------------------------------------

def bare_message(i: int) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "bench@seller.example"
    message["To"] = f"lead{i}@company{i}.example"
    message["Subject"] = "Hi"
    message["Message-ID"] = make_msgid(domain="seller.example")
    message["Date"] = formatdate(usegmt=True)
    message.set_content("Hello")
    return message


async def send_bare(port: int, count: int) -> float:
    """Seconds to build and send `count` messages over one connection."""
    smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, local_hostname="seller.example")
    await smtp.connect()
    started = time.perf_counter()
    for i in range(count):
        await smtp.send_message(bare_message(i))
    elapsed = time.perf_counter() - started
    await smtp.quit()
    return elapsed


# --- databases --------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def fresh_database(backend: str, workdir: Path) -> Iterator[str]:
    """The URL of a new, migrated database: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{workdir / f'{uuid.uuid4().hex[:8]}.db'}"
        schema = None
    else:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        _postgres(f'CREATE SCHEMA "{schema}"')
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    try:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        if schema:
            _postgres(f'DROP SCHEMA "{schema}" CASCADE')


def _postgres(statement: str) -> None:
    with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(statement)


def postgres_reachable() -> bool:
    try:
        _postgres("SELECT 1")
    except psycopg.Error:
        return False
    return True


def seed(url: str, count: int, port: int) -> None:
    """N leads, one mailbox on the sink, caps high but present, and one email message due now per lead."""
    engine = make_engine(url)
    now = utcnow()
    with make_session_factory(engine)() as db:
        db.execute(insert(LeadDB), [{"first_name": f"Lead{i}", "email": f"lead{i}@company{i}.example",
                                     "company_domain": f"company{i}.example", "created_at": now, "updated_at": now,
                                     "tags": [], "custom_fields": {}, "grade_reasons": []} for i in range(count)])
        db.add(MailboxDB(name="bench", from_address="bench@seller.example", smtp_host="127.0.0.1", smtp_port=port,
                         smtp_security=SmtpSecurity.NONE, daily_cap=HIGH))
        db.commit()
        ops.update_channel_config(db, "email", hourly_cap=HIGH, daily_cap=HIGH, domain_daily_cap=HIGH)
        ops.update_channel_config(db, "all", hourly_cap=HIGH, daily_cap=HIGH, min_lead_gap_hours=24)
        for lead_id in db.scalars(select(LeadDB.id)).all():
            messages.create(db, lead_id=lead_id, body="Hello", subject="Hi", now=now, channels=[Channel.EMAIL])
        db.commit()
    engine.dispose()


def check(url: str, count: int, sink: Sink) -> tuple[list[str], int]:
    """What went wrong (nothing, ideally), and the sink's bytes for this run; resets the sink."""
    received, size = sink.reset()
    problems = [] if received == count else [f"the sink received {received:,} messages, expected {count:,}"]
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        rows = db.execute(select(OutreachMessageDB.status, func.count()).group_by(OutreachMessageDB.status))
        statuses: dict[MessageStatus, int] = {status: n for status, n in rows}
    engine.dispose()
    if statuses.get(MessageStatus.SENT, 0) != count:
        problems.append(f"{statuses.get(MessageStatus.SENT, 0):,} of {count:,} messages sent; statuses "
                        + ", ".join(f"{status}={n:,}" for status, n in sorted(statuses.items())))
    return problems, size


# --- ours -------------------------------------------------------------------------------------------------------

async def run_worker(url: str, concurrency: int) -> float:
    """Seconds for one in-process worker to deliver everything due."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    settings = Settings(database_url=url)
    registry = build_registry(sessions, settings)
    worker = Worker(sessions, registry, concurrency=concurrency, settings=settings)
    try:
        started = time.perf_counter()
        await worker.run(once=True)
        return time.perf_counter() - started
    finally:
        await registry.aclose()
        engine.dispose()


def run_processes(url: str, concurrency: int) -> tuple[float, list[str]]:
    """Seconds from starting the worker processes to the last one's exit, and what went wrong in them."""
    command = [sys.executable, "-m", "tests.support.worker_process", url, "--concurrency", str(concurrency)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    workers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(PROCESSES)]
    outputs = [worker.communicate() for worker in workers]
    elapsed = time.perf_counter() - started
    problems = [f"worker process exited {worker.returncode}: {err.strip().splitlines()[-1:]}"
                for worker, (_, err) in zip(workers, outputs, strict=True) if worker.returncode]
    return elapsed, problems


@dataclass
class Run:
    label: str
    seconds: float
    bare_per_s: float
    bare_bytes: float  # per message, at the sink
    ours_bytes: float
    problems: list[str]
    start_up: float | None = None  # processes only: the same processes on an empty queue


def measure_ours(backend: str, processes: bool, args: argparse.Namespace, port: int, sink: Sink,
                 workdir: Path) -> Run:
    count = args.messages
    bare_per_s = count / asyncio.run(send_bare(port, count))
    received, bare_bytes = sink.reset()
    bare_problems = [] if received == count else [f"bare: the sink received {received:,} messages, expected {count:,}"]
    with fresh_database(backend, workdir) as url:
        seed(url, count, port)
        start_up = None
        if processes:
            seconds, problems = run_processes(url, args.concurrency)
        else:
            seconds, problems = asyncio.run(run_worker(url, args.concurrency)), []
        found, size = check(url, count, sink)
        if processes:
            start_up, idle_problems = run_processes(url, args.concurrency)
            problems += idle_problems
    name = "SQLite" if backend == "sqlite" else "PostgreSQL"
    how = f"{PROCESSES} worker processes" if processes else "1 worker in-process"
    return Run(f"{name:<10}  {how}", seconds, bare_per_s, bare_bytes / count, size / count,
               bare_problems + problems + found, start_up)


# --- rate-limit latency -----------------------------------------------------------------------------------------

def realistic_limits(lead_id: int) -> tuple[list[Limit], list[Gate]]:
    """Channel hour and day, mailbox day, domain day, global hour and day, and the per-lead gate."""
    scope = SendScope(channel="email", lead_id=lead_id, company_domain=f"company{lead_id % 100}.example",
                      mailbox="bench", mailbox_daily_cap=HIGH)
    return limits_for(scope, ChannelLimits(hourly_cap=HIGH, daily_cap=HIGH, domain_daily_cap=HIGH),
                      ChannelLimits(hourly_cap=HIGH, daily_cap=HIGH, min_lead_gap_hours=24))


def percentiles_us(samples_ns: list[int]) -> tuple[float, float]:
    ordered = sorted(samples_ns)
    return ordered[len(ordered) // 2] / 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1000


def decision_latency(calls: int, blocked: bool) -> tuple[float, float]:
    """p50/p99 µs of `decide` with every counter half full (allowed) or one at its cap (blocked)."""
    limits, gates = realistic_limits(42)
    now = utcnow()
    counts = {(limit.key, window_start(now, limit.period)): limit.cap // 2 for limit in limits}
    if blocked:
        counts[(limits[0].key, window_start(now, limits[0].period))] = limits[0].cap
    gate_times: dict[str, datetime] = {gate.key: now - timedelta(hours=1) for gate in gates}
    timings = []
    clock = time.perf_counter_ns
    for _ in range(calls):
        started = clock()
        decide(limits, gates, counts, gate_times, now)
        timings.append(clock() - started)
    return percentiles_us(timings)


def reserve_latency(url: str, calls: int) -> tuple[float, float, int]:
    """p50/p99 µs of reserve + commit, one new lead each call, and how many were refused."""
    engine = make_engine(url)
    limiter = RateLimiter()
    scopes = [realistic_limits(lead_id) for lead_id in range(1, calls + 101)]
    timings, refused = [], 0
    with make_session_factory(engine)() as db:
        for i, (limits, gates) in enumerate(scopes):
            now = utcnow()
            started = time.perf_counter_ns()
            outcome = limiter.reserve(db, limits, gates, now)
            db.commit()
            elapsed = time.perf_counter_ns() - started
            refused += not isinstance(outcome, Reservation)
            if i >= 100:  # the first hundred warm the statement caches and the pool
                timings.append(elapsed)
    engine.dispose()
    p50, p99 = percentiles_us(timings)
    return p50, p99, refused


# --- output -----------------------------------------------------------------------------------------------------

def verdict(ok: bool, failed: str) -> str:
    return "ok" if ok else failed


def print_runs(runs: list[Run], count: int, concurrency: int) -> None:
    bare_all = [run.bare_per_s for run in runs]
    print(f"dispatch: {count:,} messages, concurrency {concurrency}, into an aiosmtpd sink in a thread of this "
          f"process ({os.cpu_count()} CPUs)")
    print(f"  bare aiosmtplib, one connection  {statistics.median(bare_all):18,.0f} msg/s   median of "
          f"{len(bare_all)} runs, {min(bare_all):,.0f}-{max(bare_all):,.0f}")
    print(f"  {'':34}{'seconds':>9}{'msg/s':>9}  {'bare msg/s':>10}  {'ours/bare':>9}")
    for run in runs:
        per_s = count / run.seconds
        ratio = per_s / run.bare_per_s
        target = ("   target >= 0.50  " + verdict(ratio >= 0.5, "BELOW TARGET")) if "in-process" in run.label else ""
        print(f"  {run.label:<34}{run.seconds:9.1f}{per_s:9,.0f}  {run.bare_per_s:10,.0f}  {ratio:9.2f}{target}")
        if run.start_up is not None:
            rest = run.seconds - run.start_up
            without = f"{count / rest:,.0f} msg/s" if rest > 0 else "n/a"
            print(f"  {'':34}start-up (the same processes on an empty queue) {run.start_up:.1f} s; "
                  f"without it {without}")
        for problem in run.problems:
            print(f"  WARNING {run.label.split()[0]}: {problem}")
    print(f"  bytes per message at the sink: bare {statistics.mean(r.bare_bytes for r in runs):,.0f}, "
          f"ours {statistics.mean(r.ours_bytes for r in runs):,.0f}")


def print_latency(rows: list[tuple[str, float, float, str]]) -> None:
    print("rate-limit decision latency (6 caps and 1 gate)          p50 µs    p99 µs")
    for label, p50, p99, target in rows:
        print(f"  {label:<52}{p50:9.1f} {p99:9.1f}   {target}")


def latency_rows(backends: list[str], workdir: Path) -> list[tuple[str, float, float, str]]:
    rows = []
    for blocked in (False, True):
        p50, p99 = decision_latency(DECISION_CALLS, blocked)
        target = (f"target p50 <= 100 µs {verdict(p50 <= 100, 'ABOVE TARGET')}; "
                  f"spec < 1 ms (p99) {verdict(p99 < 1000, 'ABOVE')}")
        what = "blocked by one cap" if blocked else "allowed"
        rows.append((f"decide(), pure, {what} ({DECISION_CALLS:,} calls)", p50, p99, target))
    for backend in backends:
        with fresh_database(backend, workdir) as url:
            p50, p99, refused = reserve_latency(url, RESERVE_CALLS)
        note = f"spec < 1 ms (p50) {verdict(p50 < 1000, 'ABOVE')}"
        if refused:
            note += f"; WARNING {refused} refused"
        name = "SQLite" if backend == "sqlite" else "PostgreSQL"
        rows.append((f"reserve() + commit, {name} ({RESERVE_CALLS:,} calls)", p50, p99, note))
    return rows


def profile(args: argparse.Namespace, port: int, sink: Sink, workdir: Path) -> None:
    count = min(args.messages, 1000)
    with fresh_database("sqlite", workdir) as url:
        seed(url, count, port)
        profiler = cProfile.Profile()
        profiler.enable()
        seconds = asyncio.run(run_worker(url, args.concurrency))
        profiler.disable()
        problems, _ = check(url, count, sink)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"aicmo/", 30)
    print(f"profile of {count:,} messages, SQLite, 1 worker in-process: {seconds:.2f} s under the profiler")
    print(out.getvalue())
    for problem in problems:
        print(f"WARNING: {problem}")


@contextlib.contextmanager
def slow_sink_in_thread(handler: SlowSink) -> Iterator[int]:
    controller = EphemeralController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield int(controller.port)
    finally:
        controller.stop()


def statuses_problems(url: str, count: int) -> list[str]:
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        sent = db.scalar(select(func.count()).where(OutreachMessageDB.status == MessageStatus.SENT)) or 0
    engine.dispose()
    return [] if sent == count else [f"{sent:,} of {count:,} messages sent"]


def slow_scenario(args: argparse.Namespace, workdir: Path) -> None:
    count = args.messages if args.messages_given else 500

    def run(slow: int) -> SlowRun:
        return measure(count, slow, args.slow_delay, sink_at=slow_sink_in_thread,
                       database=lambda: fresh_database("sqlite", workdir), seed=seed,
                       deliver=lambda url: asyncio.run(run_worker(url, args.concurrency)),
                       check=lambda url: statuses_problems(url, count))

    report([run(0), run(args.slow)], count, args.slow_delay, args.concurrency, workdir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=None)
    parser.add_argument("--slow", type=int, default=0, help="the slow-recipient scenario with this many slow ones")
    parser.add_argument("--slow-delay", type=float, default=20.0, help="seconds a slow recipient takes")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--quick", action="store_true", help="1,000 messages")
    parser.add_argument("--profile", action="store_true", help="profile a 1,000-message in-process SQLite run")
    args = parser.parse_args()
    args.messages_given = args.messages is not None
    args.messages = 1000 if args.quick else args.messages or 10_000
    logging.basicConfig(level=logging.WARNING)
    if args.slow:
        with tempfile.TemporaryDirectory() as tmp:
            slow_scenario(args, Path(tmp))
        return
    backends = ["sqlite"]
    if not args.skip_postgres:
        if postgres_reachable():
            backends.append("postgresql")
        else:
            print(f"PostgreSQL at {POSTGRES_URL} is not reachable: measuring SQLite only")
    with tempfile.TemporaryDirectory() as tmp, sink_in_thread() as (sink, port):
        workdir = Path(tmp)
        asyncio.run(send_bare(port, BARE_WARM_UP))
        sink.reset()
        if args.profile:
            profile(args, port, sink, workdir)
            return
        runs = [measure_ours(backend, processes, args, port, sink, workdir)
                for backend in backends for processes in (False, True)]
        print_runs(runs, args.messages, args.concurrency)
        print()
        print_latency(latency_rows(backends, workdir))


if __name__ == "__main__":
    main()
