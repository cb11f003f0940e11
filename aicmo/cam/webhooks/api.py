"""Outgoing webhooks over REST: subscriptions (a URL and the events it receives) and their delivery log.

How deliveries are signed and retried, and how to verify them, is described in aicmo/cam/webhooks/delivery.py.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from aicmo import operator_services as ops
from aicmo.cam.webhooks.schemas import (
    WebhookDeliveryRead,
    WebhookSubscriptionCreate,
    WebhookSubscriptionCreated,
    WebhookSubscriptionRead,
    WebhookSubscriptionUpdate,
)
from aicmo.cam.webhooks.service import MAX_ID, MAX_LIMIT
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/webhooks", tags=["webhook subscriptions"], dependencies=[Depends(require_api_key)],
                   responses=PROBLEM_RESPONSES)

SubscriptionId = Annotated[int, Path(ge=1, le=MAX_ID, description="The subscription's id.")]
DeliveryId = Annotated[int, Path(ge=1, le=MAX_ID, description="The delivery's id.")]
Status = Annotated[Literal["pending", "delivered", "failed"] | None, Query(description="Only deliveries in it.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="How many, newest first.")]


@router.get("")
def list_subscriptions(db: SessionDep) -> list[WebhookSubscriptionRead]:
    """Every subscription, oldest first (secrets are never listed)."""
    return ops.list_webhook_subscriptions(db)


@router.post("", status_code=201)
def create_subscription(data: WebhookSubscriptionCreate, db: SessionDep) -> WebhookSubscriptionCreated:
    """Subscribe a URL to events; `secret` in the answer signs every delivery and is shown only this once."""
    return ops.create_webhook_subscription(db, data.url, data.events, description=data.description)


@router.get("/deliveries")
def list_deliveries(db: SessionDep, status: Status = None, limit: Limit = 100) -> list[WebhookDeliveryRead]:
    """Every subscription's deliveries, newest first."""
    return ops.list_webhook_deliveries(db, status=status, limit=limit)


@router.post("/deliveries/{delivery_id}/redeliver")
def redeliver(delivery_id: DeliveryId, db: SessionDep) -> WebhookDeliveryRead:
    """Queue a delivery again now with a fresh set of attempts; the worker sends it."""
    return ops.redeliver_webhook(db, delivery_id)


@router.get("/{subscription_id}")
def get_subscription(subscription_id: SubscriptionId, db: SessionDep) -> WebhookSubscriptionRead:
    """One subscription."""
    return ops.get_webhook_subscription(db, subscription_id)


@router.patch("/{subscription_id}")
def update_subscription(subscription_id: SubscriptionId, data: WebhookSubscriptionUpdate,
                        db: SessionDep) -> WebhookSubscriptionRead:
    """Change the URL, the events or the description; `active: false` pauses deliveries, `true` resumes them."""
    return ops.update_webhook_subscription(db, subscription_id, data)


@router.delete("/{subscription_id}", status_code=204)
def delete_subscription(subscription_id: SubscriptionId, db: SessionDep) -> Response:
    """Remove a subscription and its delivery log."""
    ops.delete_webhook_subscription(db, subscription_id)
    return Response(status_code=204)


@router.get("/{subscription_id}/deliveries")
def list_subscription_deliveries(subscription_id: SubscriptionId, db: SessionDep, status: Status = None,
                                 limit: Limit = 100) -> list[WebhookDeliveryRead]:
    """One subscription's deliveries, newest first: status, attempts and the receiver's last answer."""
    return ops.list_webhook_deliveries(db, subscription_id=subscription_id, status=status, limit=limit)
