"""The callback a LinkedIn automation calls when it has done (or failed) a step handed to it by the webhook
provider: `POST /webhooks/linkedin`, signed with AICMO_LINKEDIN_WEBHOOK_SECRET."""

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.outreach.linkedin.webhook import CALLBACK_PATH
from aicmo.cam.outreach.tasks.schemas import TaskRead
from aicmo.errors import AicmoError, InvalidCallback, InvalidSignature
from aicmo.net.signing import SIGNATURE_HEADER
from aicmo.settings import Settings
from aicmo.web.problems import problem

router = APIRouter(tags=["webhooks"])
MAX_BODY_BYTES = 100_000


@router.post(CALLBACK_PATH, responses={400: {"description": "malformed callback"},
                                       401: {"description": "bad or stale signature"},
                                       404: {"description": "no such webhook task"},
                                       409: {"description": "the task is already closed"}})
async def linkedin_callback(request: Request) -> Response:
    """Close the LinkedIn task the automation names: {"task_id", "status": "sent" | "failed", "id", "detail"}."""
    settings: Settings = request.app.state.settings
    if not settings.linkedin_webhook_secret:
        return problem(401, "Unauthorized", "the LinkedIn callback is off until AICMO_LINKEDIN_WEBHOOK_SECRET is set")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return problem(413, "Payload too large", f"at most {MAX_BODY_BYTES} bytes")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return problem(413, "Payload too large", f"at most {MAX_BODY_BYTES} bytes")
    sessions: sessionmaker[Session] = request.app.state.sessions
    try:
        task = await run_in_threadpool(_close, sessions, body, request.headers.get(SIGNATURE_HEADER),
                                       settings.linkedin_webhook_secret)
    except InvalidSignature as exc:
        return problem(401, "Unauthorized", str(exc))
    except InvalidCallback as exc:
        return problem(400, "Malformed callback", str(exc))
    except AicmoError as exc:
        status = 404 if type(exc).__name__.endswith("NotFound") else 409
        return problem(status, "Not found" if status == 404 else "Conflict", str(exc))
    return JSONResponse(task.model_dump(mode="json"))


def _close(sessions: sessionmaker[Session], body: bytes, signature: str | None, secret: str) -> TaskRead:
    with sessions() as db:
        return ops.handle_linkedin_callback(db, body, signature, secret=secret)
