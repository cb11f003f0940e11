"""REST API latency with a large database: the lead list, a lead's timeline and a campaign report.

    python bench/api.py [--leads 100000] [--messages 1000000] [--requests 300] [--load-clients 4] [--keep]

A fresh PostgreSQL schema is filled with COPY: N leads (a quarter graded A), M outreach messages spread over
10 campaigns, 3 steps and 2 variants, in every status, and for one lead in 100 an attempt per message and a
reply. `aicmo serve --workers 2` serves it in processes of its own; a second process keeps it busy with the same three
requests from --load-clients threads over loopback; this process then times each request type --requests
times, one after another, and prints p50/p99 against the targets (list and timeline p99 < 100 ms, report
p99 < 250 ms). Every answer is checked (status 200, the right page size, the right lead).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pg_fill import copy_rows

from aicmo import operator_services as ops
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.db.migrate import upgrade

ADMIN_URL = os.environ.get("AICMO_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
SCHEMA = "aicmo_bench_api"
CAMPAIGNS, STEPS = 10, 3
STATUSES = ["sent"] * 50 + ["delivered"] * 20 + ["replied"] * 5 + ["bounced"] * 5 + ["failed"] * 5 + \
    ["cancelled"] * 5 + ["pending"] * 10
CHANNELS = ["email"] * 7 + ["linkedin"] * 2 + ["contact_form"]
TARGETS_MS = {"lead list (page 50, grade A)": 100.0, "lead timeline": 100.0, "campaign report": 250.0}


def sqlalchemy_url(schema: str) -> str:
    base = ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}?options=-csearch_path%3D{schema}"


def fresh_schema() -> str:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        connection.execute(f'CREATE SCHEMA "{SCHEMA}"')
    url = sqlalchemy_url(SCHEMA)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def fill(leads: int, messages: int) -> tuple[int, float]:
    """Insert the data with COPY; return how many leads have a timeline, and the seconds it took."""
    started = time.perf_counter()
    rand = random.Random(7)
    now = datetime.now(UTC)
    with psycopg.connect(ADMIN_URL, options=f"-csearch_path={SCHEMA}") as connection:
        copy_rows(connection, "campaigns", ["id", "name", "status", "settings", "created_at", "updated_at"],
              ((c, f"campaign {c}", "running", "{}", now, now) for c in range(1, CAMPAIGNS + 1)))
        grades = ["A", "B", "C", "D"]
        copy_rows(connection, "leads", ["id", "first_name", "last_name", "email", "email_status", "company_name",
                                    "company_domain", "tags", "custom_fields", "status", "grade", "score",
                                    "grade_reasons", "linkedin_status", "created_at", "updated_at"],
              ((i, f"First{i}", f"Last{i}", f"lead{i}@company{i % 20000}.io", "valid_syntax", f"Company {i % 20000}",
                f"company{i % 20000}.io", "[]", "{}", "contacted", grades[i % 4], 90 - (i % 4) * 20, "[]", "none",
                now - timedelta(minutes=i), now) for i in range(1, leads + 1)))
        per_lead = min(max(1, messages // leads), CAMPAIGNS * STEPS)
        attempt_rows: list[tuple[Any, ...]] = []
        reply_rows: list[tuple[Any, ...]] = []

        def message_rows() -> Any:
            for i in range(messages):
                lead, nth = i // per_lead % leads + 1, i % per_lead  # a lead's nth message: its own step
                step, campaign = nth % STEPS, (lead + nth // STEPS) % CAMPAIGNS + 1
                row = (str(uuid.UUID(int=rand.getrandbits(128))), lead, campaign, step,
                       '["email", "linkedin", "contact_form"]', 0, rand.choice(CHANNELS), f"Subject {step}",
                       "Body text", "ab"[i % 2], rand.choice(STATUSES), 1, 0, now - timedelta(hours=i % 5000), now,
                       grades[lead % 4])
                if lead % 100 == 0:  # one lead in 100 has a timeline to read: an attempt per message, replies
                    attempt_rows.append((row[0], lead, campaign, row[6], "sent", f"lead{lead}@x.io", row[13]))
                    if row[10] == "replied":
                        reply_rows.append(("imap", "reply", f"lead{lead}@x.io", "Re: hello", "Sounds good.", lead,
                                           row[0], row[13] + timedelta(hours=1)))
                yield row

        copy_rows(connection, "outreach_messages", ["id", "lead_id", "campaign_id", "sequence_step", "channel_order",
                                                "channel_index", "channel", "subject", "body", "template_variant",
                                                "status", "attempts", "channel_attempts", "created_at",
                                                "updated_at", "lead_grade"], message_rows())
        timelines = len({row[1] for row in attempt_rows})
        copy_rows(connection, "outreach_attempts", ["message_id", "lead_id", "campaign_id", "channel", "status",
                                                "target", "started_at"], iter(attempt_rows))
        copy_rows(connection, "inbound_messages", ["source", "kind", "address", "subject", "text", "lead_id",
                                               "message_id", "received_at"], iter(reply_rows))
        connection.execute(f"SELECT setval(pg_get_serial_sequence('{SCHEMA}.leads', 'id'), {leads})")
        connection.execute(f"SELECT setval(pg_get_serial_sequence('{SCHEMA}.campaigns', 'id'), {CAMPAIGNS})")
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
    return timelines, time.perf_counter() - started


def api_key(url: str) -> str:
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        secret = ops.create_api_key(db, "bench").secret
    engine.dispose()
    return secret


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "AICMO_DATABASE_URL": url}
    server = subprocess.Popen([str(Path(sys.executable).with_name("aicmo")), "serve", "--port", str(port),
                               "--workers", str(workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server did not start: {server.stderr.read().decode() if server.stderr else ''}")


def free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def measure(client: httpx.Client, requests: int, leads: int, timeline_leads: int) -> dict[str, list[float]]:
    rand = random.Random(11)
    timings: dict[str, list[float]] = {name: [] for name in TARGETS_MS}
    for _ in range(requests):
        for name in TARGETS_MS:
            params: dict[str, str | int] = {}
            if name.startswith("lead list"):
                path, params = "/api/leads", {"grade": "A", "page": 50, "per_page": 50}
            elif name == "lead timeline":
                lead = rand.randrange(1, timeline_leads + 1) * 100 if timeline_leads else rand.randint(1, leads)
                path = f"/api/leads/{lead}/timeline"
            else:
                path = f"/api/campaigns/{rand.randint(1, CAMPAIGNS)}/report"
            started = time.perf_counter()
            answer = client.get(path, params=params)
            timings[name].append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                raise SystemExit(f"GET {path} answered {answer.status_code}: {answer.text[:300]}")
            if name.startswith("lead list") and len(answer.json()["items"]) != 50:
                raise SystemExit(f"page 50 of grade A leads is not 50 leads: {answer.text[:300]}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--load-clients", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    parser.add_argument("--server-workers", type=int, default=2, help="aicmo serve --workers (default 2)")
    args = parser.parse_args()
    url = fresh_schema()
    timelines, seconds = fill(args.leads, args.messages)
    print(f"api: {args.leads:,} leads, {args.messages:,} messages in PostgreSQL (COPY, {seconds:.0f} s); "
          f"aicmo serve --workers {args.server_workers}; {args.load_clients} load clients in another process; "
          f"{args.requests} timed requests of each kind")
    key, port = api_key(url), free_port()
    server = start_server(url, port, args.server_workers)
    base = f"http://127.0.0.1:{port}"
    load = subprocess.Popen([sys.executable, str(Path(__file__).with_name("api_load.py")), base, key,
                             str(args.leads), str(CAMPAIGNS), str(args.load_clients)], stdin=subprocess.PIPE)
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
            measure(client, 5, args.leads, timelines)  # warm up
            timings = measure(client, args.requests, args.leads, timelines)
    finally:
        if load.stdin:
            load.stdin.close()
        load.wait(30)
        server.terminate()
        server.wait(30)
        if not args.keep:
            with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
                connection.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
    print(f"{'request':<32}{'p50 ms':>9}{'p99 ms':>9}{'target p99':>12}")
    for name, samples in timings.items():
        samples.sort()
        p50, p99 = statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]
        verdict = "ok" if p99 < TARGETS_MS[name] else "ABOVE TARGET"
        print(f"{name:<32}{p50:>9.1f}{p99:>9.1f}{'< ' + format(TARGETS_MS[name], '.0f'):>12}  {verdict}")


if __name__ == "__main__":
    main()
