"""Messages through the worker against a real SMTP server and a real database (SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.engine.claim import claim_due
from aicmo.cam.engine.loaded import BatchConflict, Loaded
from aicmo.cam.leads.enums import EmailStatus, LeadStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, MessageStatus, SendStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.outreach.tasks.models import OperatorTaskDB, TaskKind
from aicmo.cam.worker.loop import Worker
from aicmo.clock import ManualClock
from aicmo.settings import Settings
from tests.integration.cam.worker.conftest import new_lead
from tests.support.smtp_server import GREYLISTED, NO_SUCH_USER, ScriptedSmtpServer


def enqueue(db: Session, lead_id: int, clock: ManualClock, **extra: object) -> str:
    message = messages.create(db, lead_id=lead_id, body="Hi {{ first_name }}", subject="Hello", now=clock.now(),
                              **extra)  # type: ignore[arg-type]
    db.commit()
    return message.id


def status_of(db: Session, message_id: str) -> OutreachMessageDB:
    db.expire_all()
    message = db.get(OutreachMessageDB, message_id)
    assert message is not None
    return message


async def test_sends_by_email_and_records_the_attempt(db: Session, sessions: sessionmaker[Session],
                                                      channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
                                                      clock: ManualClock) -> None:
    lead = new_lead(db)
    message_id = enqueue(db, lead.id, clock)
    report = await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)
    message = status_of(db, message_id)
    assert (report.processed, message.status, message.channel) == (1, MessageStatus.SENT, Channel.EMAIL)
    assert message.sent_at == clock.now() and message.provider_message_id == f"<{message_id}@seller.example>"
    assert len(smtp_server.envelopes) == 1 and smtp_server.envelopes[0].rcpt_tos == ["jane@acme.io"]
    history = ops.get_outreach_history(db, lead.id)
    assert [(a.channel, a.status) for a in history] == [(Channel.EMAIL, SendStatus.SENT)]
    assert db.get(LeadDB, lead.id).status is LeadStatus.CONTACTED  # type: ignore[union-attr]


async def test_falls_back_to_linkedin_when_email_hard_bounces(db: Session, sessions: sessionmaker[Session],
                                                              channels: ChannelRegistry,
                                                              smtp_server: ScriptedSmtpServer,
                                                              clock: ManualClock) -> None:
    smtp_server.scripts["gone@acme.io"] = NO_SUCH_USER
    lead = new_lead(db, email="gone@acme.io", linkedin_url="https://www.linkedin.com/in/jane-doe")
    message_id = enqueue(db, lead.id, clock)
    await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)
    message = status_of(db, message_id)
    assert (message.status, message.channel) == (MessageStatus.SENT, Channel.LINKEDIN)
    history = ops.get_outreach_history(db, lead.id)
    assert [(a.channel, a.status) for a in history] == [(Channel.EMAIL, SendStatus.FAILED),
                                                        (Channel.LINKEDIN, SendStatus.PENDING)]
    assert db.get(LeadDB, lead.id).email_status is EmailStatus.INVALID  # type: ignore[union-attr]
    task = db.scalar(select(OperatorTaskDB).where(OperatorTaskDB.message_id == message_id))
    assert task is not None and task.kind is TaskKind.LINKEDIN and "Hi" in task.body


async def test_a_linkedin_task_marked_failed_falls_back_again_and_ends_bounced(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    smtp_server.scripts["gone@acme.io"] = NO_SUCH_USER
    lead = new_lead(db, email="gone@acme.io", linkedin_url="https://www.linkedin.com/in/jane-doe")
    message_id = enqueue(db, lead.id, clock, channels=[Channel.EMAIL, Channel.LINKEDIN])
    await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)
    task = db.scalar(select(OperatorTaskDB).where(OperatorTaskDB.message_id == message_id))
    assert task is not None
    ops.fail_linkedin_task(db, task.id, "profile not found")
    assert status_of(db, message_id).status is MessageStatus.FAILED


async def test_retries_a_greylisted_email_with_backoff_then_sends(db: Session, sessions: sessionmaker[Session],
                                                                 channels: ChannelRegistry,
                                                                 smtp_server: ScriptedSmtpServer,
                                                                 clock: ManualClock) -> None:
    smtp_server.scripts["jane@acme.io"] = GREYLISTED
    lead = new_lead(db)
    message_id = enqueue(db, lead.id, clock, channels=[Channel.EMAIL])
    worker = Worker(sessions, channels, clock=clock, settings=Settings())
    await worker.run(once=True)
    waiting = status_of(db, message_id)
    assert waiting.status is MessageStatus.PENDING and waiting.channel_attempts == 1
    assert waiting.next_attempt_at is not None and clock.now() <= waiting.next_attempt_at
    del smtp_server.scripts["jane@acme.io"]
    clock.move_to(waiting.next_attempt_at)
    await worker.run(once=True)
    assert status_of(db, message_id).status is MessageStatus.SENT
    assert len(smtp_server.envelopes) == 1


async def test_skips_channels_the_lead_cannot_be_reached_on_and_says_why(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, clock: ManualClock) -> None:
    lead = new_lead(db, email=None, linkedin_url=None, website="https://acme.io")
    message_id = enqueue(db, lead.id, clock)
    await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)
    message = status_of(db, message_id)
    assert message.status is MessageStatus.SKIPPED
    reasons = [a.detail for a in ops.get_outreach_history(db, lead.id)]
    assert reasons == ["the lead has no email address", "no LinkedIn profile URL",
                       "the contact_form channel is not configured"]


async def test_a_replied_lead_gets_nothing_more(db: Session, sessions: sessionmaker[Session],
                                                channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
                                                clock: ManualClock) -> None:
    lead = new_lead(db)
    message_id = enqueue(db, lead.id, clock)
    db.get(LeadDB, lead.id).status = LeadStatus.REPLIED  # type: ignore[union-attr]
    db.commit()
    await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)
    assert status_of(db, message_id).status is MessageStatus.CANCELLED
    assert smtp_server.envelopes == []


async def test_a_warming_mailbox_sends_no_more_than_its_ramp_allows_each_day(
        db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer, clock: ManualClock) -> None:
    from datetime import timedelta

    from tests.integration.cam.worker.conftest import add_mailbox, registry_for
    add_mailbox(db, smtp_server, "fresh", daily_cap=50, warmup_start=2, warmup_increment=1,
                warmup_started_at=clock.now())
    ids = [enqueue(db, new_lead(db, email=f"p{i}@acme{i}.io", last_name=f"P{i}").id, clock) for i in range(7)]
    registry = registry_for(sessions)
    try:
        worker = Worker(sessions, registry, clock=clock, settings=Settings())
        await worker.run(once=True)
        assert len(smtp_server.envelopes) == 2  # day 0: the ramp's start
        waiting = status_of(db, ids[-1])
        assert waiting.status is MessageStatus.PENDING and "mailbox:fresh:day" in (waiting.last_error or "")
        clock.advance(timedelta(days=1))
        await worker.run(once=True)
        assert len(smtp_server.envelopes) == 2 + 3  # day 1: start + one increment
    finally:
        await registry.aclose()
    assert all(status_of(db, i).status in (MessageStatus.SENT, MessageStatus.PENDING) for i in ids)


async def test_a_mailbox_added_while_the_worker_runs_is_used_without_a_restart(
        db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer, clock: ManualClock) -> None:
    from aicmo.cam.outreach.channels import build_registry
    from tests.integration.cam.worker.conftest import SETTINGS, add_mailbox
    registry = build_registry(sessions, SETTINGS)  # no mailbox yet
    try:
        worker = Worker(sessions, registry, clock=clock, settings=Settings())
        first = enqueue(db, new_lead(db, linkedin_url=None).id, clock, channels=[Channel.EMAIL])
        await worker.run(once=True)
        assert status_of(db, first).status is MessageStatus.SKIPPED
        add_mailbox(db, smtp_server)
        worker._mailboxes_checked = 0.0  # the next batch looks again (normally within seconds)
        second = enqueue(db, new_lead(db, email="joe@other.io", last_name="Joe", linkedin_url=None).id, clock,
                         channels=[Channel.EMAIL])
        await worker.run(once=True)
        assert status_of(db, second).status is MessageStatus.SENT and len(smtp_server.envelopes) == 1
    finally:
        await registry.aclose()


def test_a_batch_writes_its_sending_marks_together_and_fails_whole_when_one_no_longer_holds(
        db: Session, clock: ManualClock) -> None:
    first, second = (enqueue(db, new_lead(db, first_name=name, email=f"{name}@acme.io").id, clock)
                     for name in ("ann", "bob"))
    claimed = claim_due(db, owner="worker-1", now=clock.now(), lease=timedelta(minutes=5), limit=10)
    db.commit()
    assert sorted(claimed) == sorted([first, second])

    def mark(message_id: str) -> dict[str, object]:
        return {"message_id": message_id, "owner": "worker-1", "at": clock.now(), "to_channel": Channel.EMAIL,
                "to_mailbox": "sales", "held": None, "lease_until": clock.now() + timedelta(minutes=5)}

    loaded = Loaded.of(db, [first, second])
    assert loaded.batched
    loaded.marks += [mark(first), mark(second)]
    db.execute(update(OutreachMessageDB).where(OutreachMessageDB.id == second)
               .values(status=MessageStatus.CANCELLED))  # as a reply handled meanwhile would
    with pytest.raises(BatchConflict, match="1 of 2 messages changed"):
        loaded.write_deferred(db)
    db.rollback()

    loaded = Loaded.of(db, [first, second])
    loaded.marks += [mark(first), mark(second)]
    loaded.write_deferred(db)
    db.commit()
    assert [status_of(db, m).status for m in (first, second)] == [MessageStatus.SENDING] * 2
