"""Webhook subscriptions and their delivery log. Session first; nothing here commits."""

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.webhooks.events import EVENTS, forget_cache
from aicmo.cam.webhooks.models import WebhookDeliveryDB, WebhookSubscriptionDB
from aicmo.cam.webhooks.schemas import (
    InvalidWebhookSubscription,
    WebhookDeliveryNotFound,
    WebhookSubscriptionNotFound,
)
from aicmo.db.base import utcnow

SECRET_PREFIX = "whsec_"
STATUSES = ("pending", "delivered", "failed")
CHANGEABLE = ("url", "events", "description", "active")
MAX_URL, MAX_DESCRIPTION, MAX_LIMIT = 2000, 1000, 1000
MAX_ID = 2**31 - 1  # ids are 32-bit integers: a larger one names nothing (and PostgreSQL would refuse it)


def _storable(field: str, text: str) -> str:
    # A lone surrogate cannot be encoded and PostgreSQL text cannot hold NUL: refuse both here, not with a 500.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidWebhookSubscription(field, "must be valid Unicode text") from None
    if "\x00" in text:
        raise InvalidWebhookSubscription(field, "must not contain NUL characters")
    return text


def _url(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidWebhookSubscription("url", "an http(s) URL is required")
    url = _storable("url", value.strip())
    if len(url) > MAX_URL:
        raise InvalidWebhookSubscription("url", f"at most {MAX_URL} characters")
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        raise InvalidWebhookSubscription("url", "must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is what checks it
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        raise InvalidWebhookSubscription("url", f"not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidWebhookSubscription("url", f"only http and https URLs ({parts.scheme or 'no scheme'} given)")
    if not parts.hostname:
        raise InvalidWebhookSubscription("url", "the URL has no host")
    return url


def _events(value: object) -> list[str]:
    known = ", ".join(EVENTS)
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        raise InvalidWebhookSubscription("events", f"name at least one event of: {known}")
    names: list[str] = []
    for item in value:
        name = str(item).strip()
        if name not in EVENTS:
            raise InvalidWebhookSubscription("events", f"unknown event {name!r} (known: {known})")
        if name not in names:
            names.append(name)
    return names


def _description(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidWebhookSubscription("description", "must be text")
    text = _storable("description", value.strip())
    if len(text) > MAX_DESCRIPTION:
        raise InvalidWebhookSubscription("description", f"at most {MAX_DESCRIPTION} characters")
    return text or None


def create_subscription(db: Session, url: str, events: Sequence[str], description: str | None = None, *,
                        now: datetime | None = None) -> WebhookSubscriptionDB:
    """A new active subscription with a fresh signing secret (its only showing is on the returned row)."""
    row = WebhookSubscriptionDB(url=_url(url), events=_events(events), description=_description(description),
                                secret=SECRET_PREFIX + secrets.token_urlsafe(32), active=True,
                                created_at=now or utcnow())
    db.add(row)
    db.flush()
    forget_cache()
    return row


def get_all(db: Session) -> list[WebhookSubscriptionDB]:
    """Every subscription, oldest first."""
    return list(db.scalars(select(WebhookSubscriptionDB).order_by(WebhookSubscriptionDB.id)))


def get(db: Session, subscription_id: int) -> WebhookSubscriptionDB:
    """The subscription, or WebhookSubscriptionNotFound."""
    row = db.get(WebhookSubscriptionDB, subscription_id) if 0 < subscription_id <= MAX_ID else None
    if row is None:
        raise WebhookSubscriptionNotFound(subscription_id)
    return row


def update(db: Session, subscription_id: int, changes: Mapping[str, Any]) -> WebhookSubscriptionDB:
    """Change the URL, the events, the description or whether it is active (paused when not)."""
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown:
        raise InvalidWebhookSubscription(unknown[0], f"cannot be changed (only {', '.join(CHANGEABLE)})")
    row = get(db, subscription_id)
    if "url" in changes:
        row.url = _url(changes["url"])
    if "events" in changes:
        row.events = _events(changes["events"])
    if "description" in changes:
        row.description = _description(changes["description"])
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            raise InvalidWebhookSubscription("active", "must be true or false")
        row.active = changes["active"]
    db.flush()
    forget_cache()
    return row


def delete(db: Session, subscription_id: int) -> None:
    """Remove the subscription and its delivery log; deliveries still waiting are never sent."""
    db.delete(get(db, subscription_id))
    db.flush()
    forget_cache()


def deliveries(db: Session, *, subscription_id: int | None = None, status: str | None = None,
               limit: int = 100) -> list[WebhookDeliveryDB]:
    """The delivery log, newest first."""
    query = select(WebhookDeliveryDB)
    if subscription_id is not None:
        query = query.where(WebhookDeliveryDB.subscription_id == subscription_id)
    if status is not None:
        if status not in STATUSES:
            raise InvalidWebhookSubscription("status", f"one of {', '.join(STATUSES)}")
        query = query.where(WebhookDeliveryDB.status == status)
    limit = max(1, min(limit, MAX_LIMIT))
    return list(db.scalars(query.order_by(WebhookDeliveryDB.id.desc()).limit(limit)))


def prune_deliveries(db: Session, *, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete delivered and failed deliveries made longer ago than `older_than`; return how many. Pending ones
    stay whatever their age: they have yet to reach their receiver."""
    before = (now or utcnow()) - older_than
    result = db.execute(sa.delete(WebhookDeliveryDB).where(WebhookDeliveryDB.status.in_(("delivered", "failed")),
                                                        WebhookDeliveryDB.created_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


def redeliver(db: Session, delivery_id: int, *, now: datetime | None = None) -> WebhookDeliveryDB:
    """Send a delivery again from the start of its retry schedule, whatever became of it; same event and
    delivery ids, so a receiver that already has it can tell."""
    row = db.get(WebhookDeliveryDB, delivery_id, with_for_update=True) if 0 < delivery_id <= MAX_ID else None
    if row is None:
        raise WebhookDeliveryNotFound(delivery_id)
    row.status, row.attempts, row.next_attempt_at, row.delivered_at = "pending", 0, now or utcnow(), None
    db.flush()
    return row
