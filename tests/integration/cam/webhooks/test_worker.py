"""End to end: the worker sends through a local SMTP server and delivers what that caused to a local receiver."""

import asyncio
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.webhooks.scheduled import PeriodicDelivery
from aicmo.cam.worker.loop import Worker
from aicmo.clock import ManualClock
from tests.integration.cam.webhooks.conftest import LOCAL, deliveries, subscribe
from tests.integration.cam.worker.conftest import channels, clock, new_lead, sessions
from tests.support.smtp_server import NO_SUCH_USER, ScriptedSmtpServer, smtp_server
from tests.support.webhook_receiver import WebhookReceiver

__all__ = ["channels", "clock", "sessions", "smtp_server"]
WAIT_LIMIT = 30.0  # seconds; a bound on waiting for the receiver, not something the test measures


async def until(condition: Callable[[], object]) -> None:
    deadline = time.monotonic() + WAIT_LIMIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the receiver got nothing")
        await asyncio.sleep(0.02)


def enqueue(db: Session, lead_id: int, clock: ManualClock, channels: tuple[Channel, ...]) -> str:
    message = messages.create(db, lead_id=lead_id, body="Hi {{ first_name }}", subject="Hello", now=clock.now(),
                              channels=channels)
    db.commit()
    return message.id


async def test_a_sent_email_reaches_the_receiver_as_message_sent(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock, receiver: WebhookReceiver) -> None:
    subscribe(db, receiver, "message.sent")
    lead = new_lead(db)
    message_id = enqueue(db, lead.id, clock, (Channel.EMAIL,))

    await Worker(sessions, channels, clock=clock, settings=LOCAL).run(once=True)

    assert len(smtp_server.envelopes) == 1
    (request,) = receiver.requests
    body = request.json()
    assert request.signature_ok and body["event"] == "message.sent"
    assert body["data"]["message"] == {"id": message_id, "campaign_id": None, "channel": "email", "subject": "Hello",
                                       "status": MessageStatus.SENT.value, "sequence_step": 0, "variant": None}
    assert (body["data"]["lead"]["id"], body["data"]["lead"]["email"]) == (lead.id, "jane@acme.io")
    assert [(row.event, row.status) for row in deliveries(db)] == [("message.sent", "delivered")]


async def test_a_hard_bounce_and_the_fallback_to_linkedin_both_reach_the_receiver(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock, receiver: WebhookReceiver) -> None:
    smtp_server.scripts["gone@acme.io"] = NO_SUCH_USER
    subscribe(db, receiver, "message.bounced", "message.sent")
    lead = new_lead(db, email="gone@acme.io", linkedin_url="https://www.linkedin.com/in/jane-doe")
    enqueue(db, lead.id, clock, (Channel.EMAIL, Channel.LINKEDIN))

    await Worker(sessions, channels, clock=clock, settings=LOCAL).run(once=True)

    received = {request.json()["event"]: request.json()["data"] for request in receiver.requests}
    assert sorted(received) == ["message.bounced", "message.sent"]
    assert received["message.bounced"]["bounce"]["channel"] == "email"
    assert received["message.sent"]["message"]["channel"] == "linkedin"
    assert all(request.signature_ok for request in receiver.requests)


async def test_a_running_worker_delivers_between_its_rounds_of_sends_until_stopped(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock, receiver: WebhookReceiver) -> None:
    subscribe(db, receiver, "message.sent")
    enqueue(db, new_lead(db).id, clock, (Channel.EMAIL,))
    webhooks = PeriodicDelivery(sessions, LOCAL, interval=0.05, clock=clock)
    worker = Worker(sessions, channels, clock=clock, settings=LOCAL, poll_seconds=0.05, webhooks=webhooks)

    running = asyncio.create_task(worker.run())
    try:
        await until(lambda: receiver.requests)
    finally:
        worker.stop()
        await running

    assert [request.json()["event"] for request in receiver.requests] == ["message.sent"]
    assert [row.status for row in deliveries(db)] == ["delivered"]
