"""The events subscribers can ask for, and `emit`: one pending delivery per interested subscription, written in
the transaction that causes the event, so an event is delivered if and only if what caused it was committed."""

import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.webhooks.models import WebhookDeliveryDB, WebhookSubscriptionDB
from aicmo.db.base import utcnow


class Message(Protocol):
    """What an event needs of a message (a stored one): the webhook outbox sits below the packages that send."""

    @property
    def id(self) -> str: ...
    @property
    def campaign_id(self) -> int | None: ...
    @property
    def channel(self) -> object: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def status(self) -> object: ...
    @property
    def sequence_step(self) -> int: ...
    @property
    def template_variant(self) -> str | None: ...


class WebhookEvent(StrEnum):
    MESSAGE_SENT = "message.sent"
    MESSAGE_REPLIED = "message.replied"
    MESSAGE_BOUNCED = "message.bounced"
    LEAD_UNSUBSCRIBED = "lead.unsubscribed"
    LEAD_GRADED = "lead.graded"
    TASK_CREATED = "task.created"
    EXPERIMENT_WINNER = "experiment.winner"


EVENTS = tuple(event.value for event in WebhookEvent)
PENDING = "pending"
# emit runs on the send path: whether any subscription is active is read at most this often per database.
CACHE_SECONDS = 2.0
_any_active_cache: dict[int, tuple[float, bool]] = {}


def forget_cache() -> None:
    """Make the next emit look again (a subscription was added, changed or removed in this process)."""
    _any_active_cache.clear()


def _any_active(db: Session) -> bool:
    key = id(db.get_bind())
    hit = _any_active_cache.get(key)
    if hit is None or time.monotonic() > hit[0]:
        found = db.scalar(select(WebhookSubscriptionDB.id).where(WebhookSubscriptionDB.active.is_(True)).limit(1))
        hit = (time.monotonic() + CACHE_SECONDS, found is not None)
        _any_active_cache[key] = hit
    return hit[1]


def wanted(db: Session, event: str) -> bool:
    """Whether any active subscription asks for this event: worth knowing before gathering a bulk of payloads."""
    if not _any_active(db):
        return False
    return any(event in events for events in db.scalars(
        select(WebhookSubscriptionDB.events).where(WebhookSubscriptionDB.active.is_(True))))


def emit(db: Session, event: str, payload: dict[str, Any], now: datetime | None = None) -> int:
    """Queue the event for every active subscription that wants it; return how many deliveries. Never commits."""
    return emit_many(db, event, [payload], now)


def emit_many(db: Session, event: str, payloads: Iterable[dict[str, Any]], now: datetime | None = None) -> int:
    """Queue one event per payload (each its own event id) with a single look at the subscriptions."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    payloads = list(payloads)
    if not payloads or not _any_active(db):
        return 0
    # KEY SHARE (PostgreSQL) keeps a subscription from being deleted under us: the deliveries' foreign key would
    # otherwise fail the caller's whole transaction, a send's record included.
    subscribers = [row.id for row in db.execute(
        select(WebhookSubscriptionDB.id, WebhookSubscriptionDB.events).where(WebhookSubscriptionDB.active.is_(True))
        .order_by(WebhookSubscriptionDB.id).with_for_update(read=True, key_share=True)) if event in row.events]
    if not subscribers:
        return 0
    now = now or utcnow()
    written = 0
    for payload in payloads:
        event_id = str(uuid.uuid4())
        db.add_all(WebhookDeliveryDB(subscription_id=subscription_id, event_id=event_id, event=event,
                                     payload=payload, status=PENDING, attempts=0, next_attempt_at=now,
                                     created_at=now) for subscription_id in subscribers)
        written += len(subscribers)
    return written


def lead_data(lead: object) -> dict[str, Any]:
    """What a CRM needs to find or create the lead (a stored lead, its read model, or a mapping of its fields)."""
    def get(name: str) -> Any:
        return lead.get(name) if isinstance(lead, Mapping) else getattr(lead, name, None)

    name = " ".join(part for part in (get("first_name"), get("last_name")) if part) or None
    status = get("status")
    return {"id": get("id"), "email": get("email"), "first_name": get("first_name"), "last_name": get("last_name"),
            "name": name, "title": get("title"), "company": get("company_name"),
            "company_domain": get("company_domain"), "grade": get("grade"), "score": get("score"),
            "status": None if status is None else str(status)}


def message_data(message: Message, *, status: str | None = None) -> dict[str, Any]:
    """The message as a subscriber sees it (never its body): ids, channel, subject, status."""
    return {"id": message.id, "campaign_id": message.campaign_id, "channel": _text(message.channel),
            "subject": message.subject, "status": status or _text(message.status),
            "sequence_step": message.sequence_step, "variant": message.template_variant}


def message_event(db: Session, event: WebhookEvent, message: Message, lead: object,
                  now: datetime | None = None, *, status: str | None = None, **extra: Any) -> int:
    """Emit an event about a message to a lead: the message, the lead and its campaign, plus `extra`."""
    payload = {"message": message_data(message, status=status), "lead": lead_data(lead),
               "campaign_id": message.campaign_id, **extra}
    return emit(db, event, payload, now)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
