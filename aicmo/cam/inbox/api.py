"""Provider webhooks: SES (through SNS), SendGrid and Postmark push delivery, bounce and complaint events here.

A request proves it knows the shared secret (`AICMO_WEBHOOK_SECRET`): an HMAC-SHA256 signature of the body in
`X-Aicmo-Signature: sha256=<hex>`, a bearer token, or HTTP Basic auth with the secret as password. Without a
secret configured every request is refused. Providers retry; an event seen before changes nothing.
"""

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.inbox.providers import WebhookError, verify_request
from aicmo.cam.inbox.schemas import WebhookOutcome
from aicmo.settings import Settings
from aicmo.web.problems import problem

router = APIRouter(tags=["webhooks"])


@router.post("/webhooks/{provider}", response_model=WebhookOutcome,
             responses={400: {"description": "malformed payload"}, 401: {"description": "no valid secret"}})
async def provider_webhook(provider: str, request: Request) -> Response:
    """Take a provider's delivery, bounce, complaint and unsubscribe events and apply them."""
    settings: Settings = request.app.state.settings
    body = await request.body()  # RequestLimits refuses it with 413 once it passes AICMO_MAX_WEBHOOK_BYTES
    if not verify_request(settings.webhook_secret, body, request.headers):
        return problem(401, "Unauthorized", "sign the body with the webhook secret, or send it as a bearer token "
                                            "or Basic auth password" if settings.webhook_secret else
                       "webhooks are off until AICMO_WEBHOOK_SECRET is set")
    sessions: sessionmaker[Session] = request.app.state.sessions
    try:
        outcome = await run_in_threadpool(_take, sessions, settings, provider, body)
    except WebhookError as exc:
        return problem(400, "Malformed webhook payload", str(exc), provider=provider)
    return JSONResponse(outcome.model_dump())


def _take(sessions: sessionmaker[Session], settings: Settings, provider: str, body: bytes) -> WebhookOutcome:
    with sessions() as db:
        return ops.take_provider_events(db, provider, body, settings=settings)
