"""Outgoing webhooks (aicmo.cam.webhooks): subscriptions and their delivery log."""

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from aicmo.cam.webhooks import service as webhooks
from aicmo.cam.webhooks.events import forget_cache as forget_webhook_cache
from aicmo.cam.webhooks.schemas import (
    WebhookDeliveryRead,
    WebhookSubscriptionCreated,
    WebhookSubscriptionRead,
    WebhookSubscriptionUpdate,
)


def create_webhook_subscription(db: Session, url: str, events: Sequence[str], *,
                                description: str | None = None) -> WebhookSubscriptionCreated:
    """Subscribe a URL to events; the answer holds the signing secret, which is never shown again."""
    row = webhooks.create_subscription(db, url, events, description)
    db.commit()
    forget_webhook_cache()  # events from this process reach it at once, not after the cache's seconds
    return WebhookSubscriptionCreated.model_validate(row)


def list_webhook_subscriptions(db: Session) -> list[WebhookSubscriptionRead]:
    return [WebhookSubscriptionRead.model_validate(row) for row in webhooks.get_all(db)]


def get_webhook_subscription(db: Session, subscription_id: int) -> WebhookSubscriptionRead:
    return WebhookSubscriptionRead.model_validate(webhooks.get(db, subscription_id))


def update_webhook_subscription(db: Session, subscription_id: int,
                                changes: WebhookSubscriptionUpdate | Mapping[str, Any] | None = None,
                                **fields: Any) -> WebhookSubscriptionRead:
    """Change a subscription's URL, events or description, or pause (active=False) and resume it."""
    given = (changes.model_dump(exclude_unset=True) if isinstance(changes, WebhookSubscriptionUpdate)
             else dict(changes or {}))
    row = webhooks.update(db, subscription_id, {**given, **fields})
    db.commit()
    forget_webhook_cache()
    return WebhookSubscriptionRead.model_validate(row)


def delete_webhook_subscription(db: Session, subscription_id: int) -> None:
    """Remove a subscription and its delivery log."""
    webhooks.delete(db, subscription_id)
    db.commit()
    forget_webhook_cache()


def list_webhook_deliveries(db: Session, *, subscription_id: int | None = None, status: str | None = None,
                            limit: int = 100) -> list[WebhookDeliveryRead]:
    """Deliveries newest first, of one subscription or all, by status (pending, delivered, failed)."""
    if subscription_id is not None:
        webhooks.get(db, subscription_id)  # an unknown subscription is an error, not an empty log
    return [WebhookDeliveryRead.model_validate(row)
            for row in webhooks.deliveries(db, subscription_id=subscription_id, status=status, limit=limit)]


def redeliver_webhook(db: Session, delivery_id: int) -> WebhookDeliveryRead:
    """Queue a delivery again now, with a fresh set of attempts (e.g. a failed one, once the receiver is fixed)."""
    row = webhooks.redeliver(db, delivery_id)
    db.commit()
    return WebhookDeliveryRead.model_validate(row)


def prune_webhook_deliveries(db: Session, older_than_days: float) -> int:
    """Forget delivered and failed deliveries older than so many days (pending ones stay); return how many."""
    pruned = webhooks.prune_deliveries(db, older_than=timedelta(days=older_than_days))
    db.commit()
    return pruned
