"""The worker and ChannelSequencer are one send engine: the same scripted outcomes give the same attempts, retry
times and final statuses, whichever of the two took the messages."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.outreach.domain import MessageStatus, OutreachMessage
from aicmo.cam.outreach.models import OutreachAttemptDB, OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.outreach.sequencer import ChannelSequencer
from aicmo.cam.worker.loop import Worker, run_accelerated
from aicmo.clock import ManualClock
from aicmo.settings import Settings
from tests.conftest import empty_tables
from tests.integration.cam.worker.conftest import TUESDAY_10, add_mailbox, new_lead, registry_for
from tests.support.smtp_server import GREYLISTED, MAILBOX_FULL, NO_SUCH_USER, SPAM, ScriptedSmtpServer

# One lead per scripted outcome, each at a company of its own so no per-domain cap links them.
LEADS = {
    "accepted": {},
    "unknown user, then LinkedIn": {"script": NO_SUCH_USER},
    "greylisted on every try, then LinkedIn": {"script": GREYLISTED},
    "mailbox full, no LinkedIn": {"script": MAILBOX_FULL, "linkedin_url": None},
    "refused as spam": {"script": SPAM},
    "no email: LinkedIn only": {"email": None},
    "suppressed": {"suppress": True},
}


@dataclass(frozen=True)
class Seen:
    """What one path made of the leads: each message's status and channel, and every attempt in order."""

    messages: list[tuple[str, MessageStatus, str | None]]
    attempts: list[tuple[str, str, str, str | None, str | None, str | None, float]]


def _add_leads(db: Session, server: ScriptedSmtpServer) -> dict[str, int]:
    add_mailbox(db, server)
    ids = {}
    for n, (name, case) in enumerate(LEADS.items()):
        fields = {k: v for k, v in case.items() if k not in ("script", "suppress")}
        email = fields.pop("email", f"lead{n}@company{n}.io")
        lead = new_lead(db, email=email, company_name=f"Company {n}", website=f"https://company{n}.io",
                        linkedin_url=fields.pop("linkedin_url", f"https://www.linkedin.com/in/lead-{n}"))
        if "script" in case and email:
            server.scripts[email] = case["script"]
        if case.get("suppress"):
            ops.suppress(db, email or "")
        ids[name] = lead.id
    return ids


def _seen(db: Session, ids: dict[str, int]) -> Seen:
    """Attempt times are counted from the lead's first attempt: the sequencer takes the leads one after another,
    the worker side by side."""
    by_lead = {lead_id: name for name, lead_id in ids.items()}
    messages = [(by_lead[m.lead_id], m.status, m.channel) for m in db.scalars(
        select(OutreachMessageDB).order_by(OutreachMessageDB.lead_id))]
    rows = list(db.scalars(select(OutreachAttemptDB).order_by(OutreachAttemptDB.lead_id, OutreachAttemptDB.id)))
    first: dict[int, datetime] = {}
    for row in rows:
        first.setdefault(row.lead_id, row.started_at)
    attempts = [(by_lead[a.lead_id], a.channel, a.status, a.error_kind, a.detail, a.target,
                 (a.started_at - first[a.lead_id]).total_seconds()) for a in rows]
    return Seen(messages, attempts)


async def _through_the_worker(db: Session, sessions: sessionmaker[Session], server: ScriptedSmtpServer) -> Seen:
    clock = ManualClock(TUESDAY_10)
    ids = _add_leads(db, server)
    for lead_id in ids.values():
        ops.send_outreach_message(db, lead_id, "Hi there", "Hello", deliver=False, clock=clock)
    registry = registry_for(sessions)
    try:
        await run_accelerated(Worker(sessions, registry, clock=clock, rand=lambda: 0.5, settings=Settings()), clock)
    finally:
        await registry.aclose()
    return _seen(db, ids)


async def _through_the_sequencer(db: Session, sessions: sessionmaker[Session], server: ScriptedSmtpServer) -> Seen:
    clock = ManualClock(TUESDAY_10)
    ids = _add_leads(db, server)

    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))

    registry: ChannelRegistry = registry_for(sessions)
    sequencer = ChannelSequencer(registry, sessions=sessions, sleep=sleep, rand=lambda: 0.5, clock=clock,
                                 settings=Settings())
    try:
        for lead_id in ids.values():
            await sequencer.aexecute_sequence(OutreachMessage(lead_id=lead_id, subject="Hello", body="Hi there"))
    finally:
        await registry.aclose()
    return _seen(db, ids)


async def test_the_worker_and_the_sequencer_make_the_same_attempts_and_statuses(
        engine: Engine, db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer) -> None:
    by_worker = await _through_the_worker(db, sessions, smtp_server)
    db.close()  # its open transaction would hold PostgreSQL's TRUNCATE back
    empty_tables(engine)
    smtp_server.scripts.clear()
    by_sequencer = await _through_the_sequencer(db, sessions, smtp_server)

    assert by_sequencer == by_worker
    # The scripts were met: every kind of ending is among them, and the greylisted address was retried.
    statuses = {name: status for name, status, _ in by_worker.messages}
    assert statuses["accepted"] is MessageStatus.SENT
    assert statuses["suppressed"] is MessageStatus.CANCELLED
    assert statuses["mailbox full, no LinkedIn"] in (MessageStatus.FAILED, MessageStatus.BOUNCED)
    greylisted = [a for a in by_worker.attempts if a[0] == "greylisted on every try, then LinkedIn"]
    assert greylisted[-1][1] == "linkedin"
    email_times = [a[6] for a in greylisted if a[1] == "email"]
    assert len(email_times) > 2 and email_times == sorted(set(email_times))  # each retry after a backoff
