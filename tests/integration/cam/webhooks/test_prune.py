"""The delivery log keeps what is pending and forgets, after the retention, what reached its end."""

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.webhooks.models import WebhookDeliveryDB
from aicmo.cam.webhooks.scheduled import PeriodicDelivery
from aicmo.cam.webhooks.service import prune_deliveries
from aicmo.clock import ManualClock
from tests.integration.cam.webhooks.conftest import LOCAL, T0, deliveries

URL = "https://crm.example.com/hooks/aicmo"


def log_rows(db: Session) -> None:
    """Deliveries 40 and 10 days old, in each status."""
    subscription = ops.create_webhook_subscription(db, URL, ["message.sent"])
    for age_days in (40, 10):
        for status in ("pending", "delivered", "failed"):
            db.add(WebhookDeliveryDB(subscription_id=subscription.id, event_id=f"{status}-{age_days}",
                                     event="message.sent", payload={}, status=status, attempts=1,
                                     created_at=T0 - timedelta(days=age_days)))
    db.commit()


def kept(db: Session) -> set[str]:
    return {row.event_id for row in deliveries(db)}


def test_only_finished_deliveries_older_than_the_retention_are_forgotten(db: Session) -> None:
    log_rows(db)
    assert prune_deliveries(db, older_than=timedelta(days=30), now=T0) == 2
    db.commit()
    assert kept(db) == {"pending-40", "pending-10", "delivered-10", "failed-10"}


def test_the_worker_prunes_at_most_once_an_hour_and_never_with_a_retention_of_zero(
        db: Session, sessions: sessionmaker[Session]) -> None:
    log_rows(db)
    clock = ManualClock(T0)
    keep_forever = PeriodicDelivery(sessions, LOCAL.model_copy(update={"webhook_delivery_retention_days": 0}),
                                    clock=clock)
    assert keep_forever.prune_if_due(T0) == 0
    periodic = PeriodicDelivery(sessions, LOCAL, clock=clock)  # the default retention: 30 days
    assert periodic.prune_if_due(T0) == 2
    assert kept(db) == {"pending-40", "pending-10", "delivered-10", "failed-10"}
    log_rows(db)  # two more finished deliveries 40 days old
    assert periodic.prune_if_due(T0 + timedelta(minutes=30)) == 0  # not again within the hour
    assert periodic.prune_if_due(T0 + timedelta(minutes=61)) == 2
