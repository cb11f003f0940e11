"""What a task stands for as its channel's send result, and what a CRM is told of it, for each kind and status."""

import pytest

from aicmo.cam.outreach.domain import Channel, ErrorKind, SendStatus
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind, OperatorTaskDB, TaskKind, TaskStatus
from aicmo.cam.outreach.tasks.store import result_of, task_data

PROFILE = "https://www.linkedin.com/in/jane-doe/"
FORM = "https://www.acme.io/contact"


def linkedin(status: TaskStatus, detail: str | None = None, provider: str = "tasks") -> OperatorTaskDB:
    return OperatorTaskDB(id=7, kind=TaskKind.LINKEDIN, action=LinkedInTaskKind.CONNECTION_REQUEST, provider=provider,
                          url=PROFILE, body="Hi Jane", message_id="m-1", status=status, detail=detail)


def form(status: TaskStatus, detail: str | None = None) -> OperatorTaskDB:
    return OperatorTaskDB(id=9, kind=TaskKind.FORM, url=FORM, reason="reCAPTCHA v2 on the form", subject="Hi",
                          body="Hello", message_id="m-2", status=status, detail=detail)


@pytest.mark.parametrize(("task", "status", "error_kind", "detail"), [
    (linkedin(TaskStatus.OPEN), SendStatus.PENDING, None, "waiting for the operator"),
    (linkedin(TaskStatus.OPEN, provider="webhook"), SendStatus.PENDING, None, "waiting for the webhook provider"),
    (linkedin(TaskStatus.DONE), SendStatus.SENT, None, ""),
    (linkedin(TaskStatus.FAILED), SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, "connection request failed"),
    (linkedin(TaskStatus.FAILED, "profile gone"), SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, "profile gone"),
    (form(TaskStatus.DONE), SendStatus.SENT, None, "sent by hand"),
    (form(TaskStatus.DONE, "ticked the CAPTCHA"), SendStatus.SENT, None, "sent by hand: ticked the CAPTCHA"),
    (form(TaskStatus.FAILED), SendStatus.FAILED, ErrorKind.CHANNEL_FAILED, "contact form failed"),
], ids=["linkedin open", "linkedin open webhook", "linkedin done", "linkedin failed", "linkedin failed why",
        "form done", "form done note", "form failed"])
def test_a_task_reads_as_the_send_result_of_its_channel(task: OperatorTaskDB, status: SendStatus,
                                                        error_kind: ErrorKind | None, detail: str) -> None:
    result = result_of(task)
    assert (result.status, result.error_kind, result.detail) == (status, error_kind, detail)


def test_the_result_names_the_task_its_channel_and_where_it_went() -> None:
    sent_by_hand, on_linkedin = result_of(form(TaskStatus.DONE)), result_of(linkedin(TaskStatus.DONE))
    assert (sent_by_hand.channel, sent_by_hand.provider_message_id, sent_by_hand.target,
            sent_by_hand.target_domain) == (Channel.CONTACT_FORM, "form-task:9", FORM, "acme.io")
    assert (on_linkedin.channel, on_linkedin.provider_message_id, on_linkedin.target, on_linkedin.target_domain) == (
        Channel.LINKEDIN, "task:7", PROFILE, None)


def test_a_crm_is_told_of_each_kind_in_that_kinds_words() -> None:
    assert task_data(linkedin(TaskStatus.OPEN)) == {
        "id": 7, "kind": "connection_request", "provider": "tasks", "profile_url": PROFILE, "note": "Hi Jane",
        "status": "open", "message_id": "m-1", "campaign_id": None}
    assert task_data(form(TaskStatus.OPEN)) == {
        "id": 9, "kind": "contact_form", "form_url": FORM, "reason": "reCAPTCHA v2 on the form", "subject": "Hi",
        "body": "Hello", "status": "open", "message_id": "m-2", "campaign_id": None}
