"""A slow receiving server holds up nobody else, and a message whose end of DATA went unanswered is in doubt."""

import asyncio
from datetime import timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, ErrorKind, MessageStatus
from aicmo.cam.outreach.email.channel import EmailOutreachService
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.worker.loop import Worker
from aicmo.db.base import utcnow
from aicmo.settings import Settings
from tests.integration.cam.worker.conftest import SETTINGS, add_mailbox
from tests.support.smtp_server import ScriptedSmtpServer, slow_data

HIGH = 10**9
RECIPIENTS = 500
SLOW = {f"lead{i}@company{i}.example" for i in range(50, RECIPIENTS, 100)}  # 5, spread through the queue


def enqueue_many(db: Session, count: int) -> None:
    """`count` leads at their own companies, caps high, and one email due now to each."""
    now = utcnow()
    db.execute(insert(LeadDB), [{"first_name": f"Lead{i}", "email": f"lead{i}@company{i}.example",
                                 "company_domain": f"company{i}.example", "created_at": now, "updated_at": now,
                                 "tags": [], "custom_fields": {}, "grade_reasons": []} for i in range(count)])
    db.commit()
    ops.update_channel_config(db, "email", hourly_cap=HIGH, daily_cap=HIGH, domain_daily_cap=HIGH)
    ops.update_channel_config(db, "all", hourly_cap=HIGH, daily_cap=HIGH)
    for lead_id in db.scalars(select(LeadDB.id)).all():
        messages.create(db, lead_id=lead_id, body="Hello", subject="Hi", now=now, channels=[Channel.EMAIL])
    db.commit()


async def deliver(sessions: sessionmaker[Session], settings: Settings, **worker: object) -> None:
    email = EmailOutreachService.from_db(sessions, settings=settings)
    registry = ChannelRegistry([email])
    try:
        await Worker(sessions, registry, settings=settings, **worker).run(once=True)  # type: ignore[arg-type]
    finally:
        await registry.aclose()


def statuses(db: Session) -> dict[MessageStatus, int]:
    db.expire_all()
    rows = db.execute(select(OutreachMessageDB.status, OutreachMessageDB.id))
    counted: dict[MessageStatus, int] = {}
    for status, _ in rows:
        counted[status] = counted.get(status, 0) + 1
    return counted


async def test_every_other_recipient_is_accepted_before_the_first_slow_one_answers(
        db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer) -> None:
    # The other 495 sends take 1.5-2.6 s on two quiet cores; 12 s leaves room for a loaded machine.
    smtp_server.scripts.update({address: slow_data(12.0) for address in SLOW})
    add_mailbox(db, smtp_server, daily_cap=HIGH)
    enqueue_many(db, RECIPIENTS)
    await deliver(sessions, SETTINGS, concurrency=8)

    first_slow_answer = min(smtp_server.answered, key=lambda answer: answer[1])
    accepted_before = {address for address in first_slow_answer[2] if address not in SLOW}
    assert len(accepted_before) == RECIPIENTS - len(SLOW)
    delivered = [envelope.rcpt_tos[0] for envelope in smtp_server.envelopes]
    assert sorted(address for address in delivered if address in SLOW) == sorted(SLOW)  # each exactly once
    assert len(delivered) == RECIPIENTS
    assert statuses(db) == {MessageStatus.SENT: RECIPIENTS}


async def test_no_answer_to_the_end_of_data_leaves_the_message_in_doubt_and_unsent_again(
        db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["lead0@company0.example"] = slow_data(2.0)
    add_mailbox(db, smtp_server, daily_cap=HIGH)
    enqueue_many(db, 2)
    impatient = SETTINGS.model_copy(update={"smtp_data_end_timeout": 0.3})
    await deliver(sessions, impatient)
    await asyncio.sleep(2.0)  # the server answers late, to nobody
    await deliver(sessions, impatient)

    [doubtful] = ops.list_messages(db, statuses=[MessageStatus.IN_DOUBT])
    assert doubtful.error_kind is ErrorKind.IN_DOUBT and "may have accepted" in (doubtful.last_error or "")
    assert statuses(db) == {MessageStatus.SENT: 1, MessageStatus.IN_DOUBT: 1}
    assert [envelope.rcpt_tos[0] for envelope in smtp_server.envelopes].count("lead0@company0.example") == 1


async def test_a_send_outlasting_the_lease_keeps_its_lease_and_is_not_taken_for_lost(
        db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["lead0@company0.example"] = slow_data(2.5)
    add_mailbox(db, smtp_server, daily_cap=HIGH)
    enqueue_many(db, 1)
    await deliver(sessions, SETTINGS, lease=timedelta(seconds=0.6), poll_seconds=0.1)

    assert statuses(db) == {MessageStatus.SENT: 1}
    assert len(smtp_server.envelopes) == 1
