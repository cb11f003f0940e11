"""Delivering webhooks: claim the due deliveries, POST each one signed, record it delivered or schedule a retry.

What a receiver gets, a POST of JSON `{"id": <event id>, "event": <name>, "created_at": <ISO 8601>, "data": {…}}`
with the headers

    X-Aicmo-Event: message.sent
    X-Aicmo-Delivery: 42                    (the same on every retry of this delivery)
    X-Aicmo-Signature: t=1767225600,v1=5f1c…

where v1 is the hex HMAC-SHA256, keyed with the subscription's secret, of the bytes `<t>.<raw request body>`.
To verify: compute it over the body exactly as received, compare in constant time, and refuse a `t` more than a
few minutes from your own clock, so a captured request cannot be replayed later. Delivery is at least once (a
worker stopped mid-POST sends it again): deduplicate on X-Aicmo-Delivery, or on the event id across subscriptions.
Any 2xx answer is success; redirects are not followed; anything else is retried with exponential backoff and
full jitter (30 s doubling to at most 6 h) until the 8th attempt, after which the delivery is `failed`.
"""

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.webhooks.models import WebhookDeliveryDB as D
from aicmo.cam.webhooks.models import WebhookSubscriptionDB as S
from aicmo.db.unit_of_work import checkpoint
from aicmo.net.pinned import PinnedTransport
from aicmo.net.signing import SIGNATURE_HEADER, sign
from aicmo.net.ssrf import AddressPolicy, Refused, check_url
from aicmo.retry import RetryPolicy, backoff
from aicmo.settings import Settings

log = logging.getLogger("aicmo.webhooks")
EVENT_HEADER, DELIVERY_HEADER = "X-Aicmo-Event", "X-Aicmo-Delivery"
POLICY = RetryPolicy(base=timedelta(seconds=30), cap=timedelta(hours=6), max_retries=8)  # attempts in all
# A claimed delivery is not due again for this long, so another worker leaves it alone while it is being POSTed.
CLAIM = timedelta(minutes=2)
PARALLEL = 10  # POSTs in flight at once
# The client's timeout bounds each read; this bounds a whole POST against a receiver that answers byte by byte.
TOTAL_SECONDS = 30.0
ERROR_CHARS = 500


@dataclass(frozen=True)
class Job:
    delivery_id: int
    url: str
    secret: str
    event: str
    body: bytes


@dataclass(frozen=True)
class Outcome:
    status_code: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


def address_policy(settings: Settings) -> AddressPolicy:
    """The contact-form channel's rule: public addresses only, unless allowed or in a trusted network."""
    trusted = [net.strip() for net in settings.form_trusted_networks.split(",") if net.strip()]
    return AddressPolicy.of(settings.allow_private_network, trusted)


def new_client(settings: Settings) -> httpx.AsyncClient:
    """The HTTP client deliveries go out through: the settings' timeout, no redirects, and every connection
    checked against the settings' address policy as it is made."""
    # No proxies from the environment: a proxy would resolve the host itself, past the address check.
    return httpx.AsyncClient(timeout=httpx.Timeout(settings.http_timeout), follow_redirects=False, trust_env=False,
                             headers={"User-Agent": "aicmo-webhooks/1"},
                             transport=PinnedTransport(address_policy(settings)))


def body_of(row: D) -> bytes:
    """The exact bytes POSTed and signed."""
    envelope = {"id": row.event_id, "event": row.event, "created_at": row.created_at.isoformat(), "data": row.payload}
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def _due(now: datetime) -> Select[int]:
    active = select(S.id).where(S.active.is_(True))
    return select(D.id).where(D.status == "pending", D.next_attempt_at <= now, D.subscription_id.in_(active))


def any_due(db: Session, now: datetime) -> bool:
    """Whether a round would find work: a cheap read, so an idle worker never writes."""
    return db.scalar(_due(now).limit(1)) is not None


def claim(db: Session, now: datetime, limit: int) -> list[Job]:
    """Take up to `limit` due deliveries of active subscriptions for this worker. Commits."""
    due = (_due(now).order_by(D.next_attempt_at, D.id).limit(limit)
           # Racing workers on PostgreSQL each take different rows; SQLite has one writer at a time anyway.
           .with_for_update(skip_locked=True, of=D))
    ids = db.scalars(update(D).where(D.id.in_(due.scalar_subquery()), D.status == "pending", D.next_attempt_at <= now)
                     .values(next_attempt_at=now + CLAIM).returning(D.id)
                     .execution_options(synchronize_session=False)).all()
    jobs = [] if not ids else [
        Job(row.id, url, secret, row.event, body_of(row))
        for row, url, secret in db.execute(select(D, S.url, S.secret).join(S, S.id == D.subscription_id)
                                           .where(D.id.in_(ids)).order_by(D.id))]
    checkpoint(db)
    return jobs


async def _snippet(response: httpx.Response, limit: int = 200) -> str:
    """The start of an error answer, for the log; the rest is never read."""
    taken = bytearray()
    async for chunk in response.aiter_raw():
        taken += chunk
        if len(taken) >= limit:
            break
    return bytes(taken[:limit]).decode("utf-8", "replace").strip()


async def post(client: httpx.AsyncClient, job: Job, policy: AddressPolicy) -> Outcome:
    """POST one delivery; never raises for a network or receiver problem."""
    try:
        await check_url(job.url, policy)
    except Refused as exc:
        return Outcome(error=str(exc))
    except OSError as exc:
        return Outcome(error=f"cannot resolve the host: {exc}")
    # The receiver compares the signed time with its own clock, so it is the wall clock, not the worker's.
    headers = {"Content-Type": "application/json", EVENT_HEADER: job.event, DELIVERY_HEADER: str(job.delivery_id),
               SIGNATURE_HEADER: sign(job.secret, job.body, int(time.time()))}
    try:
        async with asyncio.timeout(TOTAL_SECONDS), client.stream(
                "POST", job.url, content=job.body, headers=headers, follow_redirects=False) as response:
            if response.is_success:
                return Outcome(response.status_code)
            moved = f" to {response.headers.get('Location')} (redirects are not followed)" \
                if response.is_redirect else ""
            said = await _snippet(response)
            return Outcome(response.status_code, f"HTTP {response.status_code}{moved}{f': {said}' if said else ''}")
    except Refused as exc:  # the name resolved to a refused address when connecting
        return Outcome(error=str(exc))
    except httpx.HTTPError as exc:
        return Outcome(error=f"{type(exc).__name__}: {exc}".rstrip(": "))
    except TimeoutError:
        return Outcome(error=f"no complete answer within {TOTAL_SECONDS:.0f}s")
    except Exception as exc:  # a surprise must not keep the others from being recorded
        log.exception("webhook delivery %s to %s", job.delivery_id, job.url)
        return Outcome(error=f"{type(exc).__name__}: {exc}")


def record(db: Session, job: Job, outcome: Outcome, now: datetime, rand: Callable[[], float]) -> None:
    """Mark it delivered, or count the failed attempt and schedule the next (or give up). Never commits."""
    row = db.get(D, job.delivery_id, with_for_update=True)
    if row is None or row.status != "pending":
        return  # removed with its subscription while in flight
    row.attempts += 1
    row.last_status_code = outcome.status_code
    if outcome.ok:
        row.status, row.delivered_at, row.next_attempt_at, row.last_error = "delivered", now, None, None
        return
    row.last_error = (outcome.error or "failed")[:ERROR_CHARS]
    if row.attempts >= POLICY.max_retries:
        row.status, row.next_attempt_at = "failed", None
    else:
        row.next_attempt_at = now + backoff(POLICY, row.attempts, rand)


async def deliver_due(sessions: sessionmaker[Session], *, now: datetime, client: httpx.AsyncClient, settings: Settings,
                      limit: int = 50, rand: Callable[[], float] = random.random) -> int:
    """Claim up to `limit` due deliveries, POST them a few at a time, record every outcome; return how many."""
    with sessions() as db:
        jobs = claim(db, now, limit)
    if not jobs:
        return 0
    policy = address_policy(settings)
    gate = asyncio.Semaphore(PARALLEL)

    async def one(job: Job) -> Outcome:
        async with gate:
            return await post(client, job, policy)

    outcomes = await asyncio.gather(*(one(job) for job in jobs))
    with sessions() as db:
        for job, outcome in zip(jobs, outcomes, strict=True):
            record(db, job, outcome, now, rand)
        checkpoint(db)
    delivered = sum(outcome.ok for outcome in outcomes)
    log.info("webhooks attempted=%d delivered=%d", len(jobs), delivered)
    return len(jobs)
