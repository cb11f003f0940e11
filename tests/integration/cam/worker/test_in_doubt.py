"""Messages in doubt, on SQLite and PostgreSQL: listed, settled by the operator as delivered, resend or drop (each
in the lead's history), and `retry` sending any message that never reached the lead whatever its campaign's state."""

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.engine.claim import recover_expired
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, ErrorKind, MessageStatus, SendStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.worker.loop import Worker
from aicmo.clock import ManualClock
from aicmo.db.base import utcnow
from aicmo.settings import Settings
from tests.integration.cam.worker.conftest import new_lead
from tests.support.smtp_server import ScriptedSmtpServer


def in_doubt(db: Session, clock: ManualClock, *, campaign: str | None = None) -> str:
    """A message whose worker vanished while the email channel had it: recovered as in doubt."""
    lead = new_lead(db)
    campaign_id = None
    if campaign is not None:
        row = CampaignDB(name="spring", status=campaign)
        db.add(row)
        db.flush()
        campaign_id = row.id
    message = messages.create(db, lead_id=lead.id, body="Hi", subject="Hello", now=clock.now(),
                              channels=[Channel.EMAIL], campaign_id=campaign_id)
    db.flush()
    db.execute(update(OutreachMessageDB).where(OutreachMessageDB.id == message.id).values(
        status=MessageStatus.SENDING, lease_owner="gone", lease_expires_at=clock.now() - timedelta(minutes=1)))
    db.commit()
    assert recover_expired(db, clock.now()) == (0, 1)
    return message.id


def history(db: Session, message_id: str) -> list[tuple[SendStatus, str | None]]:
    message = ops.get_message(db, message_id)
    return [(a.status, a.detail) for a in ops.get_outreach_history(db, message.lead_id) if a.message_id == message_id]


async def deliver(sessions: sessionmaker[Session], channels: ChannelRegistry, clock: ManualClock) -> None:
    clock.move_to(utcnow() + timedelta(seconds=1))  # the operator asked just now, on the wall clock
    await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)


def test_a_message_a_vanished_worker_had_is_listed_in_doubt(db: Session, clock: ManualClock) -> None:
    message_id = in_doubt(db, clock)
    [listed] = ops.list_messages_in_doubt(db)
    assert (listed.id, listed.status, listed.error_kind) == (message_id, MessageStatus.IN_DOUBT, ErrorKind.IN_DOUBT)
    assert listed.in_doubt_at == clock.now() and "not re-sent" in (listed.last_error or "")


def test_settled_as_delivered_it_counts_as_sent_in_the_history(db: Session, clock: ManualClock) -> None:
    message_id = in_doubt(db, clock)
    settled = ops.settle_message(db, message_id, "delivered")
    assert (settled.status, settled.last_error) == (MessageStatus.SENT, None)
    assert history(db, message_id)[-1] == (SendStatus.SENT, "was in doubt; the operator says it was delivered")
    assert ops.list_messages_in_doubt(db) == []


def test_settled_as_dropped_it_is_cancelled_and_never_sent(db: Session, clock: ManualClock) -> None:
    message_id = in_doubt(db, clock)
    settled = ops.settle_message(db, message_id, ops.Settlement.DROP)
    assert settled.status is MessageStatus.CANCELLED and settled.next_attempt_at is None
    assert history(db, message_id)[-1] == (SendStatus.SKIPPED, "was in doubt; the operator dropped it (not sent again)")


async def test_resent_it_goes_out_once_more_even_though_its_campaign_completed(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    message_id = in_doubt(db, clock, campaign="completed")
    settled = ops.settle_message(db, message_id, "resend")
    assert settled.status is MessageStatus.PENDING
    await deliver(sessions, channels, clock)

    assert ops.get_message(db, message_id).status is MessageStatus.SENT
    assert len(smtp_server.envelopes) == 1
    assert [status for status, _ in history(db, message_id)] == [SendStatus.SKIPPED, SendStatus.SENT]


async def test_retry_sends_a_failed_message_of_a_completed_campaign(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    message_id = in_doubt(db, clock, campaign="completed")
    db.execute(update(OutreachMessageDB).values(status=MessageStatus.FAILED))
    db.commit()
    assert ops.retry_message(db, message_id).status is MessageStatus.PENDING
    await deliver(sessions, channels, clock)
    assert ops.get_message(db, message_id).status is MessageStatus.SENT and len(smtp_server.envelopes) == 1


def test_retry_says_in_one_line_why_not(db: Session, clock: ManualClock) -> None:
    paused = in_doubt(db, clock, campaign="paused")
    with pytest.raises(ops.MessageStateError, match=r"campaign 'spring', which is paused: resume it first"):
        ops.retry_message(db, paused)
    db.rollback()
    db.execute(update(OutreachMessageDB).values(status=MessageStatus.SENT))
    db.commit()
    with pytest.raises(ops.MessageStateError, match=r"went out \(or was handed over\), so sending it again would"):
        ops.retry_message(db, paused)
    db.rollback()
    with pytest.raises(ops.MessageStateError, match="is sent, not in doubt: nothing to settle"):
        ops.settle_message(db, paused, "drop")
