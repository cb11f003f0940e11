"""Policy refusals (5.7.x) through the worker against real SMTP servers, on SQLite and PostgreSQL: never retried
from the mailbox that got one, counted by the guard, which pauses a mailbox above its policy-refusal rate."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.alerts import service as alerts
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, ErrorKind, EventKind, MessageStatus, SendStatus
from aicmo.cam.outreach.models import DeliveryEventDB, MailboxDB, OutreachAttemptDB, OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.worker.loop import Worker
from aicmo.clock import ManualClock
from aicmo.settings import Settings
from tests.integration.cam.inbox.builders import sent_email
from tests.integration.cam.worker.conftest import add_mailbox, new_lead, registry_for
from tests.support.smtp_server import NO_SUCH_USER, SPAM, ScriptedSmtpServer

LINKEDIN = "https://www.linkedin.com/in/lead-{}"


def enqueue(db: Session, lead_id: int, clock: ManualClock, order: int = 0, **extra: object) -> str:
    message = messages.create(db, lead_id=lead_id, body="Hi {{ first_name }}", subject="Hello",
                              now=clock.now(), due_at=clock.now() - timedelta(minutes=100 - order),
                              **extra)  # type: ignore[arg-type]
    db.commit()
    return message.id


def data_commands(server: ScriptedSmtpServer) -> int:
    return sum(bytes(session).count(b"DATA\r\n") for session in server.sessions)


def attempts_of(db: Session, message_id: str) -> list[tuple[str | None, SendStatus, ErrorKind | None]]:
    rows = db.execute(select(MailboxDB.name, OutreachAttemptDB.status, OutreachAttemptDB.error_kind)
                      .outerjoin(MailboxDB, MailboxDB.id == OutreachAttemptDB.mailbox_id)
                      .where(OutreachAttemptDB.message_id == message_id).order_by(OutreachAttemptDB.id))
    return [(name, status, kind) for name, status, kind in rows]


@pytest.fixture
async def refuser() -> AsyncIterator[ScriptedSmtpServer]:
    """A second server, answering every message "554 5.7.1 Message rejected as spam"."""
    async with ScriptedSmtpServer(default=SPAM) as server:
        yield server


async def test_a_message_refused_for_policy_goes_out_from_another_mailbox_never_again_from_the_first(
        db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer,
        refuser: ScriptedSmtpServer, clock: ManualClock) -> None:
    add_mailbox(db, smtp_server, "good")
    add_mailbox(db, refuser, "blocked")
    sent = [enqueue(db, new_lead(db, email=f"p{i}@lead{i}.io", website=f"https://lead{i}.io").id, clock, i)
            for i in range(8)]
    registry = registry_for(sessions)
    try:
        await Worker(sessions, registry, clock=clock, settings=Settings()).run(once=True)
    finally:
        await registry.aclose()

    db.expire_all()
    assert {db.get(OutreachMessageDB, m).status for m in sent} == {MessageStatus.SENT}  # type: ignore[union-attr]
    assert len(smtp_server.envelopes) == 8 and refuser.envelopes == []
    histories = [attempts_of(db, m) for m in sent]
    refused_first = [h for h in histories if len(h) == 2]
    assert refused_first, "the rotation gave the refusing mailbox some messages first"
    for history in refused_first:  # one refusal, then the other mailbox at once: no retry from "blocked"
        assert history == [("blocked", SendStatus.FAILED, ErrorKind.MAILBOX_REFUSED), ("good", SendStatus.SENT, None)]
    assert data_commands(refuser) == len(refused_first)


async def test_a_policy_refusal_by_the_only_mailbox_moves_to_the_next_channel_at_once(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    smtp_server.default = SPAM
    lead = new_lead(db, linkedin_url=LINKEDIN.format(1))
    message_id = enqueue(db, lead.id, clock)
    await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)

    db.expire_all()
    message = db.get(OutreachMessageDB, message_id)
    assert message is not None and (message.status, message.channel) == (MessageStatus.SENT, Channel.LINKEDIN)
    assert [(a.channel, a.status) for a in ops.get_outreach_history(db, lead.id)] == [
        (Channel.EMAIL, SendStatus.FAILED), (Channel.LINKEDIN, SendStatus.PENDING)]
    assert data_commands(smtp_server) == 1  # refused once, never retried from the same mailbox


async def test_the_guard_pauses_a_mailbox_above_the_policy_refusal_rate_once_the_sample_is_reached(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    smtp_server.default = SPAM
    ops.set_guard_thresholds(db, {"min_sends": 5})
    for i in range(8):
        enqueue(db, new_lead(db, email=f"p{i}@lead{i}.io", website=f"https://lead{i}.io",
                             linkedin_url=LINKEDIN.format(i)).id, clock, i)
    await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)

    assert data_commands(smtp_server) == 5  # the fifth refusal reached the sample: nothing more from it
    [status] = ops.mailbox_status(db, now=clock.now())
    assert status.state == "paused" and "policy-refusal rate 100.0% (5 of 5)" in (status.paused_reason or "")
    assert [(w.policy_refusals, w.sends, w.policy_rate_over) for w in status.windows] == [(5, 5, True)]
    [alert] = alerts.get_all(db)
    assert (alert.kind, alert.subject) == ("mailbox.paused", "sales") and alert.data["thresholds"]["min_sends"] == 5


async def test_bounces_before_the_minimum_sample_pause_the_mailbox_as_soon_as_it_is_reached(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    for i in range(30):
        if i < 3:
            smtp_server.scripts[f"p{i}@lead{i}.io"] = NO_SUCH_USER
        enqueue(db, new_lead(db, email=f"p{i}@lead{i}.io", website=f"https://lead{i}.io").id, clock, i,
                channels=[Channel.EMAIL])
    await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)

    # 3 bounces, then accepted sends up to the 20-send minimum: 3 of 20 is 15%, above 5%, and it stops there.
    assert len(smtp_server.envelopes) == 17
    [status] = ops.mailbox_status(db, now=clock.now())
    assert status.state == "paused" and "bounce rate 15.0% (3 of 20)" in (status.paused_reason or "")
    assert [(w.bounces, w.sends, w.bounce_rate_over) for w in status.windows] == [(3, 20, True)]
    assert [alert.subject for alert in alerts.get_all(db)] == ["sales"]


async def test_the_worker_judges_every_mailbox_on_a_timer_even_with_nothing_to_send(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, clock: ManualClock) -> None:
    mailbox = db.scalar(select(MailboxDB))
    assert mailbox is not None
    for i in range(20):
        sent_email(db, mailbox, email=f"p{i}@lead{i}.io", website=f"https://lead{i}.io", when=clock.now())
    # Bounces reported later (not through a send, so no send outcome judged them): 2 of 20 is 10%, above 5%.
    for message in db.scalars(select(OutreachMessageDB).limit(2)):
        db.add(DeliveryEventDB(kind=EventKind.HARD_BOUNCE, mailbox_id=mailbox.id, message_id=message.id,
                               occurred_at=clock.now()))
    db.commit()
    assert ops.mailbox_status(db, now=clock.now())[0].state == "active"

    report = await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)

    db.expire_all()
    [status] = ops.mailbox_status(db, now=clock.now())
    assert report.processed == 0 and status.state == "paused" and status.windows[0].bounce_rate_over
    assert [alert.subject for alert in alerts.get_all(db)] == ["sales"]
