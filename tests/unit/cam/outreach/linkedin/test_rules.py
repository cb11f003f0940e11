import pytest

from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.outreach.domain import ErrorKind, SendStatus
from aicmo.cam.outreach.linkedin.domain import Refusal, plan_step
from aicmo.cam.outreach.linkedin.webhook import classify
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind, TaskKind
from aicmo.cam.outreach.tasks.rules import status_after
from aicmo.cam.outreach.tasks.store import task_id_of

CONNECT, MESSAGE = LinkedInTaskKind.CONNECTION_REQUEST, LinkedInTaskKind.MESSAGE


@pytest.mark.parametrize(("status", "planned"), [
    (LinkedInStatus.NONE, CONNECT),
    (LinkedInStatus.CONNECTED, MESSAGE),
    (LinkedInStatus.MESSAGED, MESSAGE),
    (LinkedInStatus.REQUEST_PENDING, Refusal(ErrorKind.TRANSIENT, "")),
    (LinkedInStatus.DECLINED, Refusal(ErrorKind.CHANNEL_FAILED, "")),
])
def test_messages_connections_and_invites_strangers(status: LinkedInStatus, planned: object) -> None:
    step = plan_step(status)
    if isinstance(planned, Refusal):
        assert isinstance(step, Refusal) and step.error_kind is planned.error_kind and step.reason
    else:
        assert step is planned


@pytest.mark.parametrize(("kind", "before", "after"), [
    (CONNECT, LinkedInStatus.NONE, LinkedInStatus.REQUEST_PENDING),
    (CONNECT, LinkedInStatus.DECLINED, LinkedInStatus.REQUEST_PENDING),
    (CONNECT, LinkedInStatus.CONNECTED, LinkedInStatus.CONNECTED),
    (CONNECT, LinkedInStatus.MESSAGED, LinkedInStatus.MESSAGED),
    (MESSAGE, LinkedInStatus.CONNECTED, LinkedInStatus.MESSAGED),
    (MESSAGE, LinkedInStatus.MESSAGED, LinkedInStatus.MESSAGED),
])
def test_a_done_step_moves_the_lead_on_but_never_back(kind: LinkedInTaskKind, before: LinkedInStatus,
                                                      after: LinkedInStatus) -> None:
    assert status_after(kind, before) is after


@pytest.mark.parametrize(("code", "body", "status", "error_kind", "external_id"), [
    (200, b'{"status": "sent", "id": "li-1"}', SendStatus.SENT, None, "li-1"),
    (201, b'{"status": "sent", "id": 42}', SendStatus.SENT, None, "42"),
    (202, b'{"status": "accepted", "id": "job-9"}', SendStatus.PENDING, None, "job-9"),
    (200, b'{"status": "queued"}', SendStatus.PENDING, None, ""),
    (200, b'{"status": "failed", "detail": "profile not found"}', SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, None),
    (200, b"not json{", SendStatus.FAILED, ErrorKind.TRANSIENT, None),
    (200, b'["sent"]', SendStatus.FAILED, ErrorKind.TRANSIENT, None),
    (200, b'{"status": "done"}', SendStatus.FAILED, ErrorKind.TRANSIENT, None),
    (204, b"", SendStatus.FAILED, ErrorKind.TRANSIENT, None),
    (500, b"oops", SendStatus.FAILED, ErrorKind.TRANSIENT, None),
    (503, b"", SendStatus.FAILED, ErrorKind.TRANSIENT, None),
    (429, b"", SendStatus.FAILED, ErrorKind.TRANSIENT, None),
    (408, b"", SendStatus.FAILED, ErrorKind.TRANSIENT, None),
    (400, b'{"error": "bad"}', SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, None),
    (401, b"", SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, None),
    (404, b"", SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, None),
    (302, b"", SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, None),
])
def test_reads_the_webhook_answer(code: int, body: bytes, status: SendStatus, error_kind: ErrorKind | None,
                                  external_id: str | None) -> None:
    handover = classify(code, body)
    assert (handover.status, handover.error_kind, handover.external_id) == (status, error_kind, external_id)
    assert handover.response_code == code
    if status is SendStatus.FAILED:
        assert handover.detail


def test_a_failed_answer_keeps_the_automations_reason() -> None:
    assert classify(200, b'{"status": "failed", "detail": "profile not found"}').detail == "profile not found"
    assert "JSON" in classify(200, b"<html>").detail


@pytest.mark.parametrize(("reference", "kind", "task_id"), [
    ("task:12", TaskKind.LINKEDIN, 12), ("task:", TaskKind.LINKEDIN, None), ("task:x", TaskKind.LINKEDIN, None),
    ("12", TaskKind.LINKEDIN, None), ("<abc@mail>", TaskKind.LINKEDIN, None), ("tasks:1", TaskKind.LINKEDIN, None),
    ("form-task:12", TaskKind.LINKEDIN, None), ("form-task:12", TaskKind.FORM, 12), ("task:12", TaskKind.FORM, None),
])
def test_reads_the_task_id_from_a_provider_message_id(reference: str, kind: TaskKind, task_id: int | None) -> None:
    assert task_id_of(reference, kind) == task_id
