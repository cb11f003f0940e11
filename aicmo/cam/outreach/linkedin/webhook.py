"""The webhook provider: POST each step, signed, to an automation that does it and answers now or calls back."""

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from aicmo.cam.outreach.domain import ErrorKind, SendStatus
from aicmo.cam.outreach.linkedin.domain import Handover, LinkedInStep
from aicmo.errors import AicmoError
from aicmo.net.signing import SIGNATURE_HEADER, sign

CALLBACK_PATH = "/webhooks/linkedin"
ANSWERS = {"sent": SendStatus.SENT, "accepted": SendStatus.PENDING, "queued": SendStatus.PENDING,
           "failed": SendStatus.FAILED}
SNIPPET = 200


class WebhookNotConfigured(AicmoError):
    pass


def callback_url(public_base_url: str) -> str:
    return public_base_url.rstrip("/") + CALLBACK_PATH


def payload(step: LinkedInStep, callback: str) -> bytes:
    """The JSON body the automation receives."""
    return json.dumps({
        "task_id": step.task_id, "kind": step.kind.value, "profile_url": step.profile_url, "note": step.note,
        "lead_id": step.lead_id, "lead_name": step.lead_name, "lead_company": step.lead_company,
        "message_id": step.message_id, "campaign_id": step.campaign_id, "callback_url": callback,
    }, ensure_ascii=False, separators=(",", ":")).encode()


def _snippet(content: bytes) -> str:
    text = content[:SNIPPET].decode("utf-8", errors="replace").strip()
    return f": {text}" if text else ""


def _optional_text(value: Any) -> str | None:
    return None if value is None else str(value)


def read_answer(status_code: int, content: bytes) -> Handover:
    """Map a 2xx JSON answer {"status": sent|accepted|queued|failed, "id", "detail"} to a hand-over."""
    try:
        answer = json.loads(content)
    except ValueError:
        answer = None
    status = answer.get("status") if isinstance(answer, dict) else None
    if not isinstance(answer, dict) or status not in ANSWERS:
        return Handover(SendStatus.FAILED, ErrorKind.TRANSIENT, response_code=status_code,
                        detail=f"webhook answered HTTP {status_code} without a JSON object whose status is "
                               f"one of {', '.join(ANSWERS)}{_snippet(content)}")
    external_id, detail = _optional_text(answer.get("id")), _optional_text(answer.get("detail")) or ""
    if ANSWERS[status] is SendStatus.FAILED:
        return Handover(SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, detail or "the automation reported a failure",
                        external_id, status_code)
    if ANSWERS[status] is SendStatus.PENDING:
        # An empty id still records that the automation has the step, so a re-send does not post it again.
        return Handover(SendStatus.PENDING, None, detail or f"{status} by the automation", external_id or "",
                        status_code)
    return Handover(SendStatus.SENT, None, detail, external_id, status_code)


def classify(status_code: int, content: bytes) -> Handover:
    """Read a 2xx answer; 5xx, 429 and 408 are worth retrying; any other status means this channel failed."""
    if 200 <= status_code < 300:
        return read_answer(status_code, content)
    retry = status_code >= 500 or status_code in (408, 429)
    return Handover(SendStatus.FAILED, ErrorKind.TRANSIENT if retry else ErrorKind.CHANNEL_FAILED,
                    f"webhook answered HTTP {status_code}{_snippet(content)}", response_code=status_code)


class WebhookProvider:
    name = "webhook"

    def __init__(self, url: str, secret: str, *, callback: str, timeout: float = 10.0,
                 user_agent: str = "aicmo", clock: Callable[[], float] = time.time) -> None:
        if not secret:
            raise WebhookNotConfigured("the LinkedIn webhook needs a signing secret (AICMO_LINKEDIN_WEBHOOK_SECRET)")
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise WebhookNotConfigured(f"invalid LinkedIn webhook URL {url!r}: {exc}") from exc
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise WebhookNotConfigured(f"the LinkedIn webhook URL must be http(s)://host/…, not {url!r}")
        self._url, self._secret, self._callback, self._clock = url, secret, callback, clock
        self._timeout = timeout
        self._client = httpx.AsyncClient(timeout=timeout, follow_redirects=False,
                                         headers={"User-Agent": user_agent})

    async def hand_over(self, step: LinkedInStep) -> Handover:
        body = payload(step, self._callback)
        headers = {"Content-Type": "application/json", "Idempotency-Key": step.message_id,
                   SIGNATURE_HEADER: sign(self._secret, body, int(self._clock()))}
        try:
            response = await self._client.post(self._url, content=body, headers=headers)
        except httpx.TimeoutException:
            return Handover(SendStatus.FAILED, ErrorKind.TRANSIENT, f"webhook timed out after {self._timeout:g}s")
        except httpx.HTTPError as exc:
            return Handover(SendStatus.FAILED, ErrorKind.TRANSIENT,
                            f"webhook unreachable: {type(exc).__name__}: {exc}".rstrip(": "))
        return classify(response.status_code, response.content)

    async def aclose(self) -> None:
        await self._client.aclose()
