"""The automation's signed callback completes a webhook task; anything unsigned, stale or replayed is refused."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.domain import Channel, ErrorKind, OutreachMessage, SendStatus
from aicmo.cam.outreach.linkedin.channel import LinkedInOutreachService
from aicmo.cam.outreach.linkedin.tasks import TaskProvider
from aicmo.cam.outreach.linkedin.webhook import WebhookProvider
from aicmo.cam.outreach.tasks.models import TaskStatus
from aicmo.errors import InvalidCallback, InvalidSignature, TaskAlreadyClosed, TaskNotFound
from tests.integration.cam.outreach.linkedin.stored import attempts, linkedin_status, tasks
from tests.support.webhook_receiver import WebhookReceiver, signature

SECRET = "whsec_callback_test"
NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
NewLead = Callable[..., LeadRead]


async def accepted_task(sessions: sessionmaker[Session], lead: LeadRead) -> int:
    """A connection request the automation took on ("accepted") and will report on later."""
    with WebhookReceiver(secret=SECRET) as hook:
        hook.reply(202, {"status": "accepted", "id": "job-1"})
        channel = LinkedInOutreachService(sessions, WebhookProvider(hook.url, SECRET, callback="http://x/cb"))
        result = await channel.send(OutreachMessage(lead_id=lead.id, body="Hi!", channel=Channel.LINKEDIN), lead)
        await channel.aclose()
    assert result.status is SendStatus.PENDING and result.provider_message_id
    return int(result.provider_message_id.removeprefix("task:"))


def body(**fields: Any) -> bytes:
    return json.dumps(fields).encode()


def signed(raw: bytes, at: datetime = NOW, secret: str = SECRET) -> str:
    return signature(secret, raw, int(at.timestamp()))


def call_back(db: Session, raw: bytes, header: str | None, now: datetime = NOW) -> Any:
    return ops.handle_linkedin_callback(db, raw, header, now, secret=SECRET)


async def test_a_signed_sent_callback_completes_the_task_like_the_operator_would(
        sessions: sessionmaker[Session], new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    task_id = await accepted_task(sessions, lead)
    raw = body(task_id=task_id, status="sent", id="inv-9", detail="invitation sent")

    task = call_back(db, raw, signed(raw, NOW - timedelta(minutes=4)))

    assert (task.status, task.external_id, task.detail) == (TaskStatus.DONE, "inv-9", "invitation sent")
    assert linkedin_status(db, lead.id) is LinkedInStatus.REQUEST_PENDING
    [attempt] = attempts(db)
    assert (attempt.status, attempt.provider_message_id) == (SendStatus.SENT, f"task:{task_id}")


async def test_a_failed_callback_fails_the_task_and_records_why(
        sessions: sessionmaker[Session], new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    task_id = await accepted_task(sessions, lead)
    raw = body(task_id=task_id, status="failed", detail="profile is private")

    task = call_back(db, raw, signed(raw))

    assert task.status is TaskStatus.FAILED and task.external_id == "job-1"
    [attempt] = attempts(db)
    assert (attempt.error_kind, attempt.detail) == (ErrorKind.CHANNEL_FAILED, "profile is private")
    assert linkedin_status(db, lead.id) is LinkedInStatus.NONE


@pytest.mark.parametrize(("header", "reason"), [
    (lambda raw: signed(raw, secret="guessed"), "does not match"),
    (lambda raw: signed(raw + b" "), "does not match"),
    (lambda raw: signed(raw, NOW - timedelta(minutes=5, seconds=1)), "stale"),
    (lambda raw: signed(raw, NOW + timedelta(minutes=6)), "stale"),
    (lambda raw: None, "missing"),
    (lambda raw: "sha256=abc", "malformed"),
])
async def test_refuses_a_callback_whose_signature_is_wrong_or_stale(
        header: Callable[[bytes], str | None], reason: str, sessions: sessionmaker[Session], new_lead: NewLead,
        db: Session) -> None:
    task_id = await accepted_task(sessions, new_lead())
    raw = body(task_id=task_id, status="sent")

    with pytest.raises(InvalidSignature, match=reason):
        call_back(db, raw, header(raw))

    assert tasks(db)[0].status is TaskStatus.OPEN and attempts(db) == []


async def test_refuses_a_replayed_callback(sessions: sessionmaker[Session], new_lead: NewLead, db: Session) -> None:
    task_id = await accepted_task(sessions, new_lead())
    raw = body(task_id=task_id, status="sent")
    header = signed(raw)
    call_back(db, raw, header)

    with pytest.raises(TaskAlreadyClosed):
        call_back(db, raw, header, NOW + timedelta(seconds=30))
    db.rollback()
    with pytest.raises(InvalidSignature, match="stale"):
        call_back(db, raw, header, NOW + timedelta(hours=1))
    assert len(attempts(db)) == 1


async def test_refuses_a_callback_for_an_unknown_or_operator_task(
        sessions: sessionmaker[Session], new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    channel = LinkedInOutreachService(sessions, TaskProvider())
    await channel.send(OutreachMessage(lead_id=lead.id, body="Hi", channel=Channel.LINKEDIN), lead)
    operator_task = tasks(db)[0].id

    for task_id in (operator_task, 9999):
        raw = body(task_id=task_id, status="sent")
        with pytest.raises(TaskNotFound):
            call_back(db, raw, signed(raw))
        db.rollback()
    assert tasks(db)[0].status is TaskStatus.OPEN


@pytest.mark.parametrize(("raw", "reason"), [
    (b"{not json", "not JSON"),
    (b'["sent"]', "JSON object"),
    (body(status="sent"), "integer task_id"),
    (body(task_id="1", status="sent"), "integer task_id"),
    (body(task_id=1, status="accepted"), "status must be one of sent, failed"),
])
def test_refuses_a_signed_callback_it_cannot_read(raw: bytes, reason: str, db: Session) -> None:
    with pytest.raises(InvalidCallback, match=reason):
        call_back(db, raw, signed(raw))


def test_without_a_configured_secret_every_callback_is_refused(db: Session) -> None:
    raw = body(task_id=1, status="sent")
    with pytest.raises(InvalidSignature, match="no signing secret"):
        ops.handle_linkedin_callback(db, raw, signature("", raw, int(NOW.timestamp())), NOW, secret="")
