"""Attribution, the campaign report and the campaign page on a large PostgreSQL database.

    python bench/analytics.py [--leads 100000] [--attempts 1000000] [--outcomes 10000] [--runs 5]
                              [--page-requests 200] [--clients 4] [--keep]

A fresh schema is filled with COPY: N leads, first written to over the 60 days from 75 days ago, in one campaign
of three steps (two variants on the first), each step's message tried on email, then handed to LinkedIn and done
there, and one message in three also posted through a contact form, until the attempts reach --attempts; one
email attempt in 40 refused on the spot and one in 40 bounced later (their delivery events), one lead in 30
answering; --outcomes outcomes (positive replies, meetings, open, won and lost deals with values in EUR) on leads
that were reached, twelve days after the lead was first written to.

Measured in this process, --runs times each, after one warm-up:
- baseline: a plain GROUP BY over the same rows (the campaign's attempts counted per channel and status);
- attribution of the campaign's outcomes by every model (by channel), and by step and by campaign (linear);
- the campaign report (the event-counted funnel per channel, grade and step/variant);
- the ROI report (costs, revenue split by the linear, Markov and Shapley models, grades and the score's AUC).
Then `aicmo serve --workers 2` serves the dashboard and --clients threads request the campaign page
--page-requests times each, logged in; p50 and p99 against the 300 ms target. The dashboard reuses a page's figures
while no new send, event, reply or outcome arrived (AICMO_DASHBOARD_CACHE_SECONDS); the first view, which counts
them, is printed on its own, and a second server with the reuse off shows what every view would cost. Targets:
every attribution and report under 1 s. Every answer is checked: credits add up to the outcomes, channels' revenue
to the total.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pg_fill import copy_rows
from sqlalchemy import text

from aicmo import operator_services as ops
from aicmo.cam.attribution.rules import Model
from aicmo.cam.attribution.service import By
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import upgrade

ADMIN_URL = os.environ.get("AICMO_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
SCHEMA = os.environ.get("AICMO_BENCH_SCHEMA", "aicmo_bench_analytics")
TARGET_MS, PAGE_TARGET_MS = 1000.0, 300.0
OUTCOME_MIX = ["positive_reply"] * 30 + ["meeting"] * 30 + ["opportunity"] * 15 + ["won"] * 20 + ["lost"] * 5


def sqlalchemy_url() -> str:
    return ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1) + f"?options=-csearch_path%3D{SCHEMA}"


def fresh_schema() -> str:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        connection.execute(f'CREATE SCHEMA "{SCHEMA}"')
    engine = make_engine(sqlalchemy_url())
    upgrade(engine)
    engine.dispose()
    return sqlalchemy_url()


def lead_start(start: datetime, lead: int) -> datetime:
    """When the campaign first wrote to the lead: leads spread over its first 60 days."""
    return start + timedelta(minutes=(lead * 37) % (60 * 24 * 60))


def _history(leads: int, attempts: int, rand: random.Random, start: datetime) -> Iterator[tuple[str, Any]]:
    """("message" | "attempt" | "event", row) for every lead's steps, until `attempts` attempts were written (about
    ten a lead) or every lead has its three steps."""
    written, lead = 0, 0
    while written < attempts and lead < leads:
        lead += 1
        for step in range(3):
            message, at = str(uuid.UUID(int=rand.getrandbits(128))), lead_start(start, lead) + timedelta(days=step * 3)
            variant = "ab"[lead % 2] if step == 0 else None
            yield "message", (message, lead, 1, step, '["email", "linkedin", "contact_form"]', 1, "linkedin",
                              "Hello", "Body", variant, "sent", 2, 0, at, at, "ABCD"[lead % 4])
            roll = rand.random()
            if roll < 0.025:  # refused at RCPT
                yield "attempt", (message, lead, 1, "email", "failed", "channel_failed", 550, at)
                yield "event", ("hard_bounce", lead, message, "email", at, True)
            else:
                yield "attempt", (message, lead, 1, "email", "sent", None, 250, at)
                if roll < 0.05:  # bounced later
                    yield "event", ("hard_bounce", lead, message, "email", at + timedelta(hours=1), False)
                elif roll < 0.085:
                    yield "event", ("reply", lead, message, "email", at + timedelta(hours=5), False)
            yield "attempt", (message, lead, 1, "linkedin", "pending", None, None, at + timedelta(hours=2))
            yield "attempt", (message, lead, 1, "linkedin", "sent", None, None, at + timedelta(hours=20))
            written += 3
            if lead % 3 == 0:
                yield "attempt", (message, lead, 1, "contact_form", "sent", None, 200, at + timedelta(days=1))
                written += 1


def fill(leads: int, attempts: int, outcomes: int) -> float:
    started = time.perf_counter()
    # The campaign started 75 days ago, so the page's daily and weekly charts have the last weeks' figures to draw.
    start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=75)
    rand = random.Random(7)
    rows: dict[str, list[tuple[Any, ...]]] = {"message": [], "attempt": [], "event": []}
    for kind, row in _history(leads, attempts, rand, start):
        rows[kind].append(row)
    with psycopg.connect(ADMIN_URL, options=f"-csearch_path={SCHEMA}") as connection:
        copy_rows(connection, "campaigns", ["id", "name", "status", "settings", "created_at", "updated_at"],
              [(1, "Big", "running", "{}", start, start)])
        copy_rows(connection, "leads", ["id", "first_name", "email", "email_status", "company_name", "company_domain",
                                    "tags", "custom_fields", "status", "grade", "score", "grade_reasons",
                                    "linkedin_status", "created_at", "updated_at"],
              ((i, f"First{i}", f"lead{i}@company{i}.io", "valid_syntax", f"Company {i}", f"company{i}.io", "[]",
                "{}", "contacted", "ABCD"[i % 4], 90 - (i % 4) * 20, "[]", "none", start, start)
               for i in range(1, leads + 1)))
        copy_rows(connection, "outreach_messages", ["id", "lead_id", "campaign_id", "sequence_step", "channel_order",
                                                "channel_index", "channel", "subject", "body", "template_variant",
                                                "status", "attempts", "channel_attempts", "created_at",
                                                "updated_at", "lead_grade"], rows["message"])
        copy_rows(connection, "outreach_attempts", ["message_id", "lead_id", "campaign_id", "channel", "status",
                                                "error_kind", "response_code", "started_at"], rows["attempt"])
        attempt_ids = dict(connection.execute(
            "SELECT message_id, min(id) FROM outreach_attempts WHERE status = 'failed' GROUP BY message_id"))
        copy_rows(connection, "delivery_events", ["kind", "lead_id", "message_id", "channel", "occurred_at",
                                              "attempt_id"],
              ((kind, lead, message, channel, at, attempt_ids.get(message) if refused else None)
               for kind, lead, message, channel, at, refused in rows["event"]))
        reached = sorted({row[1] for row in rows["attempt"] if row[4] == "sent"})
        chosen = rand.sample(reached, min(outcomes, len(reached)))
        copy_rows(connection, "outcomes", ["lead_id", "kind", "value_cents", "currency", "occurred_at", "source",
                                       "created_at", "updated_at"],
              ((lead, kind, rand.choice([240000, 480000, 960000]) if kind in ("opportunity", "won", "lost") else None,
                "EUR" if kind in ("opportunity", "won", "lost") else None, lead_start(start, lead) + timedelta(days=12),
                "bench",
                start, start) for lead, kind in ((lead, rand.choice(OUTCOME_MIX)) for lead in chosen)))
        connection.execute(f"SELECT setval(pg_get_serial_sequence('{SCHEMA}.leads', 'id'), {leads})")
        connection.execute(f"SELECT setval(pg_get_serial_sequence('{SCHEMA}.campaigns', 'id'), 1)")
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def timed(runs: int, work: Callable[[], Any]) -> tuple[list[float], Any]:
    work()  # warm-up: caches and plans, as a dashboard that is in use has them
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def line(name: str, times: list[float], baseline: float, target: float | None = TARGET_MS) -> None:
    median, worst = statistics.median(times), max(times)
    verdict = "" if target is None else ("  ok" if worst < target else f"  OVER the {target:.0f} ms target")
    print(f"{name:<44} median {median:8.1f} ms  worst {worst:8.1f} ms  {median / baseline:7.1f}× the GROUP BY{verdict}")


def measure_in_process(url: str, runs: int) -> None:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as db:
        outcomes = db.scalar(text("SELECT count(*) FROM outcomes WHERE kind IN ('meeting', 'opportunity', 'won')"))
        group_by, _ = timed(runs, lambda: db.execute(text(
            "SELECT channel, status, count(*) FROM outreach_attempts WHERE campaign_id = 1 GROUP BY channel, status"
        )).all())
        baseline = statistics.median(group_by)
        print(f"{'plain GROUP BY (attempts per channel, status)':<44} median {baseline:8.1f} ms")
        for model in Model:
            times, report = timed(runs, lambda model=model: ops.get_attribution(db, campaign=1, model=model))
            assert abs(sum(row.outcomes for row in report.rows) - outcomes) < 1e-6, (model, report.rows)
            line(f"attribution {model.value}, by channel", times, baseline)
        for by in (By.STEP, By.VARIANT, By.CAMPAIGN):
            times, _ = timed(runs, lambda by=by: ops.get_attribution(db, campaign=1, by=by))
            line(f"attribution linear, by {by.value}", times, baseline)
        times, _ = timed(runs, lambda: ops.get_campaign_report(db, 1))
        line("campaign report (event-counted funnel)", times, baseline)
        for model in (Model.LINEAR, Model.MARKOV, Model.SHAPLEY):
            times, roi = timed(runs, lambda model=model: ops.get_roi(db, campaign=1, model=model))
            assert abs(sum(row.revenue for row in roi.channels) - roi.total.revenue) < 0.05, roi.channels
            line(f"ROI report, {model.value}", times, baseline)
    engine.dispose()


def free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(url: str, cache_seconds: float) -> Iterator[str]:
    """`aicmo serve --workers 2` on the bench schema, its dashboard reusing figures `cache_seconds` long."""
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).with_name("aicmo")), "serve", "--port", str(port),
                               "--workers", "2"], env={**os.environ, "AICMO_DATABASE_URL": url,
                                                       "AICMO_SECRET_KEY": "bench-analytics-secret",
                                                       "AICMO_DASHBOARD_CACHE_SECONDS": str(cache_seconds)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    said = server.communicate()[1].decode(errors="replace").strip().splitlines()[-5:]
                    raise SystemExit("the server did not start:\n" + "\n".join(said)) from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(30)


def logged_in(base: str, key: str) -> httpx.Client:
    http = httpx.Client(base_url=base, timeout=120)
    form = http.get("/app/login").text
    csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    http.post("/app/login", data={"api_key": key, "csrf_token": csrf})
    return http


def page_time(http: httpx.Client) -> float:
    started = time.perf_counter()
    answer = http.get("/app/campaigns/1")
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 200 or 'id="roi-table"' not in answer.text:
        raise RuntimeError(f"the campaign page answered {answer.status_code}: {answer.text[:300]}")
    return elapsed


def concurrent_views(base: str, key: str, requests: int, clients: int) -> list[float]:
    """`clients` logged-in threads viewing the campaign page `requests` times each, after one view each."""
    timings: list[float] = []
    problems: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        http = logged_in(base, key)
        try:
            page_time(http)
            for _ in range(requests):
                elapsed = page_time(http)
                with lock:
                    timings.append(elapsed)
        except RuntimeError as exc:
            problems.append(str(exc))
        finally:
            http.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if problems:
        raise SystemExit(problems[0])
    return sorted(timings)


def percentiles(name: str, ordered: list[float], target: float | None) -> None:
    p50, p99 = ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    verdict = "" if target is None else ("  ok" if p99 < target else f"  OVER the {target:.0f} ms target")
    print(f"{name:<58} p50 {p50:6.0f} ms  p99 {p99:6.0f} ms{verdict}")


def measure_page(url: str, requests: int, clients: int) -> None:
    """The page as served: figures reused while no new row arrived (the default), and counted on every view."""
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        key = ops.create_api_key(db, f"bench-{uuid.uuid4().hex[:6]}").secret
    engine.dispose()
    with serving(url, 60) as base:
        http = logged_in(base, key)
        try:
            print(f"{'campaign page, first view (figures counted)':<58} {page_time(http):6.0f} ms")
        finally:
            http.close()
        percentiles(f"campaign page, {clients} clients × {requests}, figures reused",
                    concurrent_views(base, key, requests, clients), PAGE_TARGET_MS)
    with serving(url, 0) as base:
        uncached = max(1, requests // 20)
        percentiles(f"campaign page, {clients} clients × {uncached}, counted every view",
                    concurrent_views(base, key, uncached, clients), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--outcomes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page-requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the schema (and reuse it with --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure the schema a --keep run left")
    args = parser.parse_args()
    url = sqlalchemy_url()
    if not args.reuse:
        url = fresh_schema()
        seconds = fill(args.leads, args.attempts, args.outcomes)
        print(f"filled {args.leads:,} leads, ~{args.attempts:,} attempts, {args.outcomes:,} outcomes "
              f"in {seconds:.0f} s")
    try:
        measure_in_process(url, args.runs)
        if args.page_requests:
            measure_page(url, args.page_requests, args.clients)
    finally:
        if not args.keep:
            with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
                connection.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')


if __name__ == "__main__":
    main()
