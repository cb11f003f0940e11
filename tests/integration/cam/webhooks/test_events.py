"""Events become pending deliveries in the transaction that causes them, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.webhooks.events import WebhookEvent, emit
from tests.integration.cam.webhooks.conftest import T0, deliveries

EXAMPLE = "https://crm.example.com/hooks/aicmo"


def test_emit_writes_one_delivery_per_active_subscription_that_wants_the_event(db: Session) -> None:
    sent_only = ops.create_webhook_subscription(db, EXAMPLE, ["message.sent"])
    both = ops.create_webhook_subscription(db, EXAMPLE + "/2", ["lead.graded", "message.sent"])
    ops.create_webhook_subscription(db, EXAMPLE + "/3", ["lead.graded"])
    paused = ops.create_webhook_subscription(db, EXAMPLE + "/4", ["message.sent"])
    ops.update_webhook_subscription(db, paused.id, active=False)

    written = emit(db, WebhookEvent.MESSAGE_SENT, {"message": {"id": "m1"}}, T0)
    db.commit()

    rows = deliveries(db)
    assert written == 2
    assert [row.subscription_id for row in rows] == [sent_only.id, both.id]
    assert {row.event_id for row in rows} == {rows[0].event_id} and len(rows[0].event_id) == 36
    assert all((row.event, row.payload, row.status, row.attempts, row.next_attempt_at)
               == ("message.sent", {"message": {"id": "m1"}}, "pending", 0, T0) for row in rows)


def test_emit_leaves_committing_to_the_caller(db: Session) -> None:
    ops.create_webhook_subscription(db, EXAMPLE, ["message.sent"])
    assert emit(db, WebhookEvent.MESSAGE_SENT, {"n": 1}, T0) == 1
    db.rollback()
    assert deliveries(db) == []


def test_emit_writes_nothing_when_no_subscription_wants_it(db: Session) -> None:
    assert emit(db, WebhookEvent.LEAD_GRADED, {"n": 1}) == 0
    ops.create_webhook_subscription(db, EXAMPLE, ["task.created"])
    assert emit(db, WebhookEvent.LEAD_GRADED, {"n": 2}) == 0
    db.commit()
    assert deliveries(db) == []


def test_each_emit_is_an_event_of_its_own(db: Session) -> None:
    ops.create_webhook_subscription(db, EXAMPLE, ["message.sent"])
    emit(db, WebhookEvent.MESSAGE_SENT, {"n": 1}, T0)
    emit(db, WebhookEvent.MESSAGE_SENT, {"n": 2}, T0)
    db.commit()
    first, second = deliveries(db)
    assert first.event_id != second.event_id


def test_emit_refuses_an_event_nobody_can_subscribe_to(db: Session) -> None:
    with pytest.raises(ValueError, match="unknown webhook event 'message.opened'"):
        emit(db, "message.opened", {})
