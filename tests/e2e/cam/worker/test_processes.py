"""Several worker processes on one PostgreSQL database: racing, killed with SIGKILL, stopped with SIGTERM.

The SMTP sink runs in this process; the workers reach it over loopback like any mail server.
"""

import email
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.engine.claim import IN_DOUBT
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import FINAL_STATUSES, Channel, MessageStatus, SmtpSecurity
from aicmo.cam.outreach.models import MailboxDB, OutreachAttemptDB, OutreachMessageDB
from aicmo.db.base import utcnow
from aicmo.db.engine import make_session_factory
from tests.conftest import POSTGRES_URL, empty_tables
from tests.support.smtp_server import ScriptedSmtpServer
from tests.support.threaded import smtp_in_thread

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def pg(postgresql_engine: Engine) -> Iterator[tuple[Engine, str]]:
    """The test schema's engine and a URL other processes can open it with."""
    empty_tables(postgresql_engine)
    with postgresql_engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    yield postgresql_engine, f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    empty_tables(postgresql_engine)


def seed(db: Session, sink: ScriptedSmtpServer, count: int, mailboxes: dict[str, int]) -> None:
    now = utcnow()
    db.execute(insert(LeadDB), [{"first_name": f"Lead{i}", "email": f"lead{i}@company{i}.example",
                                 "company_domain": f"company{i}.example", "created_at": now, "updated_at": now,
                                 "tags": [], "custom_fields": {}, "grade_reasons": []} for i in range(count)])
    for name, cap in mailboxes.items():
        db.add(MailboxDB(name=name, from_address=f"{name}@seller.example", smtp_host=sink.host,
                         smtp_port=sink.port, smtp_security=SmtpSecurity.NONE, daily_cap=cap))
    for lead_id in db.scalars(select(LeadDB.id)):
        messages.create(db, lead_id=lead_id, body="Hello", subject="Hi", now=now, channels=[Channel.EMAIL])
    db.commit()


def start_worker(url: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.support.worker_process", url, *extra], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def start_together(url: str, barrier: Path, count: int, *extra: str) -> list[subprocess.Popen[str]]:
    """Start workers that begin only once all of them are ready, so they really race for the same queue."""
    workers = [start_worker(url, *extra, "--barrier", str(barrier)) for _ in range(count)]
    deadline = time.monotonic() + 300
    while len(list(barrier.glob("ready-*"))) < count:
        assert time.monotonic() < deadline and all(w.poll() is None for w in workers), "a worker did not get ready"
        time.sleep(0.02)
    (barrier / "go").touch()
    return workers


def received_ids(sink: ScriptedSmtpServer) -> Counter[str]:
    return Counter(str(email.message_from_bytes(r.content)["Message-ID"]).strip("<>").split("@")[0]
                   for r in sink.envelopes)


def statuses(db: Session) -> Counter[MessageStatus]:
    db.expire_all()
    return Counter(dict(db.execute(select(OutreachMessageDB.status, func.count()).group_by(
        OutreachMessageDB.status)).all()))


def test_four_workers_share_2000_messages_without_a_duplicate_or_a_cap_exceeded(
        pg: tuple[Engine, str], tmp_path: Path) -> None:
    engine, url = pg
    with smtp_in_thread() as sink, make_session_factory(engine)() as db:
        seed(db, sink, 2000, {"north": 700, "south": 700})
        ops.update_channel_config(db, "email", hourly_cap=1500)
        workers = start_together(url, tmp_path, 4, "--concurrency", "4")
        outputs = [w.communicate(timeout=600) for w in workers]
        assert [w.returncode for w in workers] == [0, 0, 0, 0], [o[1][-2000:] for o in outputs]
        processed = [int(o[0].split("processed=")[1].split()[0]) for o in outputs]
        assert sum(1 for p in processed if p > 0) >= 2, processed  # the work was shared

        received = received_ids(sink)
        assert max(received.values()) == 1
        counts = statuses(db)
        assert counts[MessageStatus.SENT] == len(received) == 1400  # two mailboxes of 700 a day
        assert counts[MessageStatus.PENDING] == 600  # waiting for tomorrow's mailbox caps
        sent_ids = set(db.scalars(select(OutreachMessageDB.id).where(
            OutreachMessageDB.status == MessageStatus.SENT)))
        assert sent_ids == set(received)
        per_mailbox = Counter(dict(db.execute(select(OutreachMessageDB.mailbox, func.count()).where(
            OutreachMessageDB.status == MessageStatus.SENT).group_by(OutreachMessageDB.mailbox)).all()))
        assert per_mailbox == {"north": 700, "south": 700}
        waiting = db.scalar(select(func.min(OutreachMessageDB.next_attempt_at)).where(
            OutreachMessageDB.status == MessageStatus.PENDING))
        assert waiting is not None and waiting > utcnow()


def wait_for_sends(sink: ScriptedSmtpServer, at_least: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while len(sink.envelopes) < at_least and time.monotonic() < deadline:
        time.sleep(0.02)


def test_workers_killed_at_random_lose_nothing_and_send_nothing_twice(pg: tuple[Engine, str]) -> None:
    engine, url = pg
    rng = random.Random(20261125)
    total, lease = 400, "1.0"
    with smtp_in_thread() as sink, make_session_factory(engine)() as db:
        seed(db, sink, total, {"north": 10_000})
        workers = [start_worker(url, "--lease", lease, "--concurrency", "3", "--forever") for _ in range(2)]
        for _ in range(6):  # kill -9 a worker mid-flight, start a fresh one in its place
            wait_for_sends(sink, len(sink.envelopes) + rng.randint(5, 40))
            victim = workers.pop(rng.randrange(len(workers)))
            victim.send_signal(signal.SIGKILL)
            victim.wait(30)
            workers.append(start_worker(url, "--lease", lease, "--concurrency", "3", "--forever"))
        for worker in workers:
            worker.send_signal(signal.SIGKILL)
            worker.wait(30)
        time.sleep(float(lease) + 0.5)  # the dead workers' leases run out
        final = start_worker(url, "--lease", lease)
        _out, err = final.communicate(timeout=300)
        assert final.returncode == 0, err[-2000:]

        counts = statuses(db)
        assert sum(counts[s] for s in FINAL_STATUSES) == total, counts
        received = received_ids(sink)
        assert max(received.values()) == 1  # never sent twice
        sent = set(db.scalars(select(OutreachMessageDB.id).where(OutreachMessageDB.status == MessageStatus.SENT)))
        assert sent <= set(received)  # every message recorded as sent reached the sink
        in_doubt = set(db.scalars(select(OutreachMessageDB.id).where(OutreachMessageDB.last_error == IN_DOUBT)))
        assert set(received) <= sent | in_doubt  # whatever reached the sink is either sent or flagged for review
        assert counts[MessageStatus.SENT] + len(in_doubt) == total
        attempts = db.scalar(select(func.count()).select_from(OutreachAttemptDB)) or 0
        assert attempts >= counts[MessageStatus.SENT]


def test_sigterm_lets_a_worker_finish_what_it_holds_and_hand_back_the_rest(pg: tuple[Engine, str]) -> None:
    engine, url = pg
    with smtp_in_thread() as sink, make_session_factory(engine)() as db:
        seed(db, sink, 300, {"north": 10_000})
        worker = start_worker(url, "--forever", "--concurrency", "2")
        wait_for_sends(sink, 20)
        worker.send_signal(signal.SIGTERM)
        _out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err[-2000:]
        counts = statuses(db)
        assert counts[MessageStatus.QUEUED] == counts[MessageStatus.SENDING] == 0, counts
        assert counts[MessageStatus.SENT] == len(received_ids(sink))
        assert counts[MessageStatus.SENT] + counts[MessageStatus.PENDING] == 300
        rest = start_worker(url)
        rest.communicate(timeout=120)
        assert statuses(db)[MessageStatus.SENT] == 300 == len(received_ids(sink))
