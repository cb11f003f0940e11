"""Subscriptions on a real database, and a real HTTP receiver on 127.0.0.1 that checks the signatures."""

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.webhooks.delivery import new_client
from aicmo.cam.webhooks.models import WebhookDeliveryDB
from aicmo.cam.webhooks.schemas import WebhookSubscriptionCreated
from aicmo.db.engine import make_session_factory
from aicmo.settings import Settings
from tests.support.webhook_receiver import WebhookReceiver

# The receivers listen on 127.0.0.1, which the address check refuses unless told otherwise.
LOCAL = Settings(secret_key="test-secret", form_trusted_networks="127.0.0.1/32")
T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as hook:
        yield hook


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The client the worker delivers through, its connections checked against LOCAL's policy (loopback trusted)."""
    async with new_client(LOCAL) as http:
        yield http


def subscribe(db: Session, hook: WebhookReceiver, *events: str) -> WebhookSubscriptionCreated:
    """Subscribe the receiver and teach it the secret, so it accepts only correctly signed requests."""
    created = ops.create_webhook_subscription(db, hook.url, list(events))
    hook.secret = created.secret
    return created


def deliveries(db: Session) -> list[WebhookDeliveryDB]:
    db.expire_all()
    return list(db.scalars(select(WebhookDeliveryDB).order_by(WebhookDeliveryDB.id)))
