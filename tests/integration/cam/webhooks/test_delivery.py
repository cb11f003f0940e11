"""Deliveries POSTed to a real HTTP receiver: signed, retried with backoff, given up on, refused when private."""

import json
from datetime import timedelta

import httpx
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.webhooks.delivery import claim, deliver_due, new_client
from aicmo.cam.webhooks.events import WebhookEvent, emit
from aicmo.net.signing import verify
from aicmo.settings import Settings
from tests.integration.cam.webhooks.conftest import LOCAL, T0, deliveries, subscribe
from tests.support.webhook_receiver import Reply, WebhookReceiver

PAYLOAD = {"message": {"id": "m-1", "channel": "email"}, "lead": {"id": 7, "email": "jane@acme.io"}}


def event(db: Session, name: WebhookEvent = WebhookEvent.MESSAGE_SENT) -> None:
    emit(db, name, PAYLOAD, T0)
    db.commit()


async def test_posts_the_event_as_signed_json_that_verifies_with_the_subscription_secret(
        db: Session, sessions: sessionmaker[Session], receiver: WebhookReceiver, client: httpx.AsyncClient) -> None:
    created = subscribe(db, receiver, "message.sent")
    event(db)

    assert await deliver_due(sessions, now=T0, client=client, settings=LOCAL) == 1

    (row,) = deliveries(db)
    (request,) = receiver.requests
    assert (request.method, request.path, request.signature_ok) == ("POST", "/hook", True)
    assert request.json() == {"id": row.event_id, "event": "message.sent", "created_at": T0.isoformat(),
                              "data": PAYLOAD}
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-aicmo-event"] == "message.sent"
    assert request.headers["x-aicmo-delivery"] == str(row.id)
    signed_at = int(request.headers["x-aicmo-signature"].split(",")[0].removeprefix("t="))
    assert verify(created.secret, request.body, request.headers["x-aicmo-signature"], now=signed_at) == signed_at
    assert (row.status, row.attempts, row.last_status_code, row.delivered_at) == ("delivered", 1, 200, T0)


async def test_a_receiver_that_knows_another_secret_refuses_it_and_it_is_not_delivered(
        db: Session, sessions: sessionmaker[Session], receiver: WebhookReceiver, client: httpx.AsyncClient) -> None:
    subscribe(db, receiver, "message.sent")
    receiver.secret = "whsec_not-the-one"
    event(db)

    await deliver_due(sessions, now=T0, client=client, settings=LOCAL)

    (row,) = deliveries(db)
    assert receiver.requests[0].signature_ok is False
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 401)


async def test_a_failed_delivery_is_retried_after_its_backoff_then_delivered(
        db: Session, sessions: sessionmaker[Session], receiver: WebhookReceiver, client: httpx.AsyncClient) -> None:
    subscribe(db, receiver, "message.sent")
    receiver.reply(500, "database down")
    event(db)

    await deliver_due(sessions, now=T0, client=client, settings=LOCAL, rand=lambda: 0.5)
    (row,) = deliveries(db)
    # Full jitter: half of the 30 s first backoff with this random draw.
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 500)
    assert row.last_error == "HTTP 500: database down"
    assert row.next_attempt_at == T0 + timedelta(seconds=15)

    assert await deliver_due(sessions, now=T0 + timedelta(seconds=14), client=client, settings=LOCAL) == 0
    assert len(receiver.requests) == 1

    assert await deliver_due(sessions, now=T0 + timedelta(seconds=15), client=client, settings=LOCAL) == 1
    (row,) = deliveries(db)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == ("delivered", 2, 200, None)
    first, second = receiver.requests
    assert first.body == second.body and first.headers["x-aicmo-delivery"] == second.headers["x-aicmo-delivery"]


async def test_eight_failed_attempts_mark_the_delivery_failed_after_doubling_waits(
        db: Session, sessions: sessionmaker[Session], receiver: WebhookReceiver, client: httpx.AsyncClient) -> None:
    subscribe(db, receiver, "message.sent")
    receiver.reply(503, always=True)
    event(db)

    now, waits = T0, []
    for _ in range(8):
        assert await deliver_due(sessions, now=now, client=client, settings=LOCAL, rand=lambda: 1.0) == 1
        (row,) = deliveries(db)
        if row.next_attempt_at is not None:
            waits.append((row.next_attempt_at - now).total_seconds())
        now += timedelta(hours=7)

    assert waits == [30, 60, 120, 240, 480, 960, 1920]
    (row,) = deliveries(db)
    assert (row.status, row.attempts, row.next_attempt_at, row.last_status_code) == ("failed", 8, None, 503)
    assert await deliver_due(sessions, now=now + timedelta(days=1), client=client, settings=LOCAL) == 0
    assert len(receiver.requests) == 8


async def test_a_receiver_on_a_private_address_is_refused_unless_allowed(
        db: Session, sessions: sessionmaker[Session], receiver: WebhookReceiver, client: httpx.AsyncClient) -> None:
    subscribe(db, receiver, "message.sent")
    event(db)

    await deliver_due(sessions, now=T0, client=client, settings=Settings(), rand=lambda: 0.0)
    (row,) = deliveries(db)
    assert receiver.requests == []
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, None)
    assert row.last_error == "refused: resolves to a private address (127.0.0.1 -> 127.0.0.1)"

    await deliver_due(sessions, now=T0, client=client, settings=Settings(allow_private_network=True))
    assert deliveries(db)[0].status == "delivered" and len(receiver.requests) == 1


async def test_the_worker_client_refuses_a_private_receiver_as_it_connects_even_when_the_early_check_passed(
        db: Session, sessions: sessionmaker[Session], receiver: WebhookReceiver) -> None:
    subscribe(db, receiver, "message.sent")
    event(db)

    async with new_client(Settings()) as strict:
        # The early check is told private addresses are fine, as a name that changes its answer would make it pass.
        await deliver_due(sessions, now=T0, client=strict, settings=Settings(allow_private_network=True),
                          rand=lambda: 0.0)

    (row,) = deliveries(db)
    assert receiver.requests == []
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error == "refused: resolves to a private address (127.0.0.1 -> 127.0.0.1)"


async def test_a_redirect_is_not_followed(db: Session, sessions: sessionmaker[Session], receiver: WebhookReceiver,
                                          client: httpx.AsyncClient) -> None:
    subscribe(db, receiver, "message.sent")
    receiver.respond_with(Reply(307, b"", headers={"Location": "http://169.254.169.254/latest/meta-data"}))
    event(db)

    await deliver_due(sessions, now=T0, client=client, settings=LOCAL)

    (row,) = deliveries(db)
    assert len(receiver.requests) == 1
    assert (row.status, row.last_status_code) == ("pending", 307)
    assert row.last_error == "HTTP 307 to http://169.254.169.254/latest/meta-data (redirects are not followed)"


async def test_a_paused_subscription_keeps_its_deliveries_until_resumed(
        db: Session, sessions: sessionmaker[Session], receiver: WebhookReceiver, client: httpx.AsyncClient) -> None:
    created = subscribe(db, receiver, "message.sent")
    event(db)
    ops.update_webhook_subscription(db, created.id, active=False)

    assert await deliver_due(sessions, now=T0, client=client, settings=LOCAL) == 0
    ops.update_webhook_subscription(db, created.id, active=True)
    assert await deliver_due(sessions, now=T0, client=client, settings=LOCAL) == 1
    assert len(receiver.requests) == 1


async def test_a_claimed_delivery_is_not_claimed_again_while_it_is_in_flight(
        db: Session, sessions: sessionmaker[Session], receiver: WebhookReceiver) -> None:
    subscribe(db, receiver, "message.sent")
    event(db)
    with sessions() as first, sessions() as second:
        (job,) = claim(first, T0, 10)
        assert claim(second, T0, 10) == []
    assert json.loads(job.body)["data"] == PAYLOAD and job.url == receiver.url


async def test_redelivering_a_failed_delivery_sends_it_again_with_fresh_attempts(
        db: Session, sessions: sessionmaker[Session], receiver: WebhookReceiver, client: httpx.AsyncClient) -> None:
    subscribe(db, receiver, "message.sent")
    receiver.reply(500, always=True)
    event(db)
    now = T0
    for _ in range(8):
        await deliver_due(sessions, now=now, client=client, settings=LOCAL)
        now += timedelta(hours=7)
    (row,) = deliveries(db)
    assert row.status == "failed"

    again = ops.redeliver_webhook(db, row.id)
    assert (again.status, again.attempts) == ("pending", 0)
    receiver.reply(204, always=True)
    assert again.next_attempt_at is not None
    assert await deliver_due(sessions, now=again.next_attempt_at, client=client, settings=LOCAL) == 1
    (row,) = deliveries(db)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 204)
    assert len(receiver.requests) == 9
