"""What a LinkedIn step is, what a provider answers, and the rules that pick the step and follow its outcome."""

from dataclasses import dataclass
from typing import Protocol

from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.outreach.domain import ErrorKind, SendStatus
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind


@dataclass(frozen=True)
class LinkedInStep:
    """One connection request or message, stored as a task and handed to a person or an automation."""

    task_id: int
    kind: LinkedInTaskKind
    profile_url: str
    note: str
    lead_id: int
    lead_name: str
    lead_company: str | None
    message_id: str
    campaign_id: int | None = None


@dataclass(frozen=True)
class Handover:
    """What the provider made of a step: done (SENT), taken on (PENDING) or not (FAILED)."""

    status: SendStatus
    error_kind: ErrorKind | None = None
    detail: str = ""
    # The automation's own id for the step; "" when it took the step on without naming it.
    external_id: str | None = None
    response_code: int | None = None


class LinkedInProvider(Protocol):
    name: str

    async def hand_over(self, step: LinkedInStep) -> Handover:
        """Pass the step on; a delivery problem is returned as a FAILED handover, never raised."""

    async def aclose(self) -> None:
        """Release connections held across steps."""


@dataclass(frozen=True)
class Refusal:
    error_kind: ErrorKind
    reason: str


def plan_step(status: LinkedInStatus) -> LinkedInTaskKind | Refusal:
    """A message to a connection, a connection request to a stranger; nothing while a request is pending."""
    if status in (LinkedInStatus.CONNECTED, LinkedInStatus.MESSAGED):
        return LinkedInTaskKind.MESSAGE
    if status is LinkedInStatus.REQUEST_PENDING:
        # A second invitation cannot be sent while one is pending: retry once the lead has accepted.
        return Refusal(ErrorKind.TRANSIENT, "connection request still pending; a message can follow once accepted")
    if status is LinkedInStatus.DECLINED:
        return Refusal(ErrorKind.CHANNEL_FAILED, "the lead declined the connection request")
    return LinkedInTaskKind.CONNECTION_REQUEST
