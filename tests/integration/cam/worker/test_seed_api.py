"""The public names of the product specification, used as it shows them, against a real SMTP server."""

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services
from aicmo.cam.outreach.domain import Channel, MessageStatus, OutreachMessage, SendStatus
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.outreach.sequencer import ChannelSequencer
from aicmo.cam.sequences.rules import RetryPolicy
from aicmo.settings import Settings
from tests.integration.cam.worker.conftest import add_mailbox, new_lead, registry_for
from tests.support.smtp_server import GREYLISTED, NO_SUCH_USER, ScriptedSmtpServer
from tests.support.threaded import smtp_in_thread


async def test_execute_sequence_falls_back_from_a_bounced_email_to_linkedin(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry,
        smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["gone@acme.io"] = NO_SUCH_USER
    lead = new_lead(db, email="jane@acme.io")
    seq = ChannelSequencer(channels, sessions=sessions, settings=Settings())
    msg = OutreachMessage(lead_id=lead.id, subject="Hello", body="Hi Jane")
    result = await seq.aexecute_sequence(msg, "gone@acme.io", "jane-doe", None)
    assert (result.status, result.channel) == (MessageStatus.SENT, Channel.LINKEDIN)
    assert [(a.channel, a.status) for a in result.attempts] == [(Channel.EMAIL, SendStatus.FAILED),
                                                                (Channel.LINKEDIN, SendStatus.PENDING)]
    history = operator_services.get_outreach_history(db, lead.id)
    assert [h.channel for h in history] == [Channel.EMAIL, Channel.LINKEDIN]


async def test_execute_sequence_retries_a_transient_failure_with_backoff(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry,
        smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["jane@acme.io"] = GREYLISTED
    lead = new_lead(db, linkedin_url=None)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 2:
            del smtp_server.scripts["jane@acme.io"]  # the greylisting passes

    policy = RetryPolicy(base=timedelta(seconds=10), cap=timedelta(seconds=60), max_retries=3)
    seq = ChannelSequencer(channels, sessions=sessions, policies={Channel.EMAIL: policy}, sleep=sleep,
                           rand=lambda: 1.0, settings=Settings())
    result = await seq.aexecute_sequence(OutreachMessage(lead_id=lead.id, subject="Hi", body="Hello"))
    assert (result.status, result.channel) == (MessageStatus.SENT, Channel.EMAIL)
    assert slept == [10.0, 20.0] and len(result.attempts) == 3


def test_send_outreach_message_sends_now_as_the_specification_shows(db: Session,
                                                                    sessions: sessionmaker[Session]) -> None:
    with smtp_in_thread() as server:
        add_mailbox(db, server)
        lead = new_lead(db)
        registry = registry_for(sessions)
        result = operator_services.send_outreach_message(db, lead.id, "Hi Jane", "Hello", registry=registry)
        assert (result.status, result.channel) == (MessageStatus.SENT, Channel.EMAIL)
        assert [e.rcpt_tos for e in server.envelopes] == [["jane@acme.io"]]
        # A second message the same day waits for the 24-hour gap between touches of one lead.
        second = operator_services.send_outreach_message(db, lead.id, "Again", "Hello", registry=registry)
        assert second.status is MessageStatus.PENDING and second.next_attempt_at is not None
        assert second.next_attempt_at - result.sent_at > timedelta(hours=23, minutes=59)  # type: ignore[operator]
        assert "rate limited" in (second.last_error or "")
        assert len(server.envelopes) == 1
