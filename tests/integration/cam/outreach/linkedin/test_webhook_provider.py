"""The webhook provider against a real local HTTP endpoint that checks every signature it receives."""

import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.domain import Channel, ErrorKind, OutreachMessage, SendStatus
from aicmo.cam.outreach.linkedin.channel import LinkedInOutreachService, make_provider
from aicmo.cam.outreach.linkedin.webhook import WebhookNotConfigured, WebhookProvider
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind, TaskStatus
from aicmo.settings import Settings
from tests.integration.cam.outreach.linkedin.stored import attempts, linkedin_status, tasks
from tests.support.webhook_receiver import Received, Reply, WebhookReceiver, refused_url, signature

SECRET = "whsec_linkedin_test"
CALLBACK = "https://aicmo.example/webhooks/linkedin"
TIMEOUT = 0.5
NewLead = Callable[..., LeadRead]


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret=SECRET) as receiver:
        yield receiver


def webhook_channel(sessions: sessionmaker[Session], url: str, secret: str = SECRET) -> LinkedInOutreachService:
    return LinkedInOutreachService(sessions, WebhookProvider(url, secret, callback=CALLBACK, timeout=TIMEOUT))


@pytest.fixture
async def channel(sessions: sessionmaker[Session], hook: WebhookReceiver) -> AsyncIterator[LinkedInOutreachService]:
    service = webhook_channel(sessions, hook.url)
    yield service
    await service.aclose()


def message(lead: LeadRead, body: str = "Hi Jane, let's connect.") -> OutreachMessage:
    return OutreachMessage(lead_id=lead.id, body=body, channel=Channel.LINKEDIN)


async def test_posts_the_signed_step_and_a_sent_answer_completes_it(
        channel: LinkedInOutreachService, hook: WebhookReceiver, new_lead: NewLead, db: Session) -> None:
    lead = new_lead(company_name="Acme Robotics")
    hook.reply(200, {"status": "sent", "id": "li-778", "detail": "invitation sent"})
    sent = message(lead)

    result = await channel.send(sent, lead)

    [request] = hook.requests
    [task] = tasks(db)
    assert request.signature_ok and request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["idempotency-key"] == sent.id
    assert abs(int(request.headers["x-aicmo-signature"].split(",")[0][2:]) - time.time()) < 60
    assert request.json() == {
        "task_id": task.id, "kind": "connection_request", "profile_url": lead.linkedin_url,
        "note": "Hi Jane, let's connect.", "lead_id": lead.id, "lead_name": lead.full_name,
        "lead_company": "Acme Robotics", "message_id": sent.id, "campaign_id": None, "callback_url": CALLBACK}
    assert (result.status, result.provider_message_id, result.response_code) == (
        SendStatus.SENT, f"task:{task.id}", 200)
    assert (task.status, task.provider, task.external_id) == (TaskStatus.DONE, "webhook", "li-778")
    assert linkedin_status(db, lead.id) is LinkedInStatus.REQUEST_PENDING
    assert attempts(db) == []  # the caller records the SENT result it was handed


@pytest.mark.parametrize("answer", ["accepted", "queued"])
async def test_an_accepted_step_waits_for_the_callback_and_is_not_posted_twice(
        answer: str, channel: LinkedInOutreachService, hook: WebhookReceiver, new_lead: NewLead,
        db: Session) -> None:
    lead = new_lead()
    hook.reply(202, {"status": answer, "id": "job-1"})
    sent = message(lead)

    first = await channel.send(sent, lead)
    again = await channel.send(sent, lead)

    [task] = tasks(db)
    assert first.status is SendStatus.PENDING and again.status is SendStatus.PENDING
    assert (task.status, task.external_id) == (TaskStatus.OPEN, "job-1")
    assert len(hook.requests) == 1
    assert linkedin_status(db, lead.id) is LinkedInStatus.NONE


async def test_a_failed_answer_fails_the_channel_with_the_automations_reason(
        channel: LinkedInOutreachService, hook: WebhookReceiver, new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    hook.reply(200, {"status": "failed", "detail": "weekly invitation limit reached"})

    result = await channel.send(message(lead), lead)

    assert (result.status, result.error_kind) == (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED)
    assert result.detail == "weekly invitation limit reached"
    assert tasks(db)[0].status is TaskStatus.FAILED


@pytest.mark.parametrize(("reply", "error_kind", "words"), [
    (Reply(500, "upstream exploded"), ErrorKind.TRANSIENT, "HTTP 500: upstream exploded"),
    (Reply(503), ErrorKind.TRANSIENT, "HTTP 503"),
    (Reply(429, {"error": "slow down"}), ErrorKind.TRANSIENT, "HTTP 429"),
    (Reply(200, "{not json"), ErrorKind.TRANSIENT, "without a JSON object"),
    (Reply(200, {"state": "sent"}), ErrorKind.TRANSIENT, "without a JSON object"),
    (Reply(200, {"status": "sent"}, delay=TIMEOUT * 3), ErrorKind.TRANSIENT, f"timed out after {TIMEOUT:g}s"),
    (Reply(400, {"error": "profile_url invalid"}), ErrorKind.CHANNEL_FAILED, "HTTP 400"),
    (Reply(404), ErrorKind.CHANNEL_FAILED, "HTTP 404"),
])
async def test_maps_each_kind_of_answer_to_retry_or_give_up(
        reply: Reply, error_kind: ErrorKind, words: str, channel: LinkedInOutreachService, hook: WebhookReceiver,
        new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    hook.respond_with(reply)

    result = await channel.send(message(lead), lead)

    assert (result.status, result.error_kind) == (SendStatus.FAILED, error_kind)
    assert words in result.detail
    [task] = tasks(db)
    expected = TaskStatus.OPEN if error_kind is ErrorKind.TRANSIENT else TaskStatus.FAILED
    assert task.status is expected and words in (task.detail or "")


async def test_a_retry_after_a_transient_failure_posts_the_same_task_again(
        channel: LinkedInOutreachService, hook: WebhookReceiver, new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    hook.reply(502)
    hook.reply(200, {"status": "sent"})
    sent = message(lead)

    first = await channel.send(sent, lead)
    retried = await channel.send(sent, lead)

    assert first.error_kind is ErrorKind.TRANSIENT and retried.status is SendStatus.SENT
    assert [r.json()["task_id"] for r in hook.requests] == [tasks(db)[0].id] * 2
    assert len(tasks(db)) == 1 and tasks(db)[0].detail is None


async def test_an_unreachable_webhook_is_transient_and_never_raises(
        sessions: sessionmaker[Session], new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    channel = webhook_channel(sessions, refused_url())

    result = await channel.send(message(lead), lead)
    await channel.aclose()

    assert (result.status, result.error_kind) == (SendStatus.FAILED, ErrorKind.TRANSIENT)
    assert "unreachable" in result.detail and "ConnectError" in result.detail
    assert tasks(db)[0].status is TaskStatus.OPEN


async def test_the_receiver_refuses_a_payload_signed_with_another_secret(
        sessions: sessionmaker[Session], hook: WebhookReceiver, new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    channel = webhook_channel(sessions, hook.url, secret="not-the-shared-secret")

    result = await channel.send(message(lead), lead)
    await channel.aclose()

    assert not hook.requests[0].signature_ok
    assert (result.error_kind, result.response_code) == (ErrorKind.CHANNEL_FAILED, 401)


async def test_a_callback_that_beats_the_answer_wins(
        channel: LinkedInOutreachService, hook: WebhookReceiver, sessions: sessionmaker[Session],
        new_lead: NewLead, db: Session) -> None:
    lead = new_lead()
    ops.set_linkedin_status(db, lead.id, LinkedInStatus.CONNECTED)

    def call_back_then_accept(request: Received) -> Reply:
        body = f'{{"task_id": {request.json()["task_id"]}, "status": "sent", "id": "msg-5"}}'.encode()
        with sessions() as own:
            ops.handle_linkedin_callback(own, body, signature(SECRET, body, int(time.time())), secret=SECRET)
        return Reply(202, {"status": "accepted", "id": "job-5"})

    hook.respond_with(call_back_then_accept)
    result = await channel.send(message(lead, "Thanks for connecting!"), lead)

    [task] = tasks(db)
    assert result.status is SendStatus.SENT
    assert (task.status, task.kind, task.external_id) == (TaskStatus.DONE, LinkedInTaskKind.MESSAGE, "msg-5")
    assert linkedin_status(db, lead.id) is LinkedInStatus.MESSAGED
    assert [a.status for a in attempts(db)] == [SendStatus.SENT]


@pytest.mark.parametrize(("settings", "problem"), [
    ({"linkedin_provider": "webhook"}, "needs AICMO_LINKEDIN_WEBHOOK_URL"),
    ({"linkedin_provider": "webhook", "linkedin_webhook_url": "https://hook.example/x"}, "signing secret"),
    ({"linkedin_provider": "webhook", "linkedin_webhook_url": "ftp://hook.example/x", "linkedin_webhook_secret": "s"},
     "must be http"),
    ({"linkedin_provider": "selenium"}, "unknown AICMO_LINKEDIN_PROVIDER"),
])
def test_a_misconfigured_provider_is_refused_at_start(settings: dict[str, Any], problem: str) -> None:
    with pytest.raises(WebhookNotConfigured, match=problem):
        make_provider(Settings(**settings))


async def test_builds_the_configured_provider_from_settings(sessions: sessionmaker[Session]) -> None:
    tasks_channel = LinkedInOutreachService.from_settings(sessions, Settings(linkedin_note_limit=200))
    webhook = LinkedInOutreachService.from_settings(sessions, Settings(
        linkedin_provider="webhook", linkedin_webhook_url="https://hook.example/x", linkedin_webhook_secret="s"))

    assert (tasks_channel.provider.name, tasks_channel.note_limit) == ("tasks", 200)
    assert webhook.provider.name == "webhook"
    await webhook.aclose()
