"""A form behind a CAPTCHA or JavaScript is never posted: it becomes one operator task, and the message moves on."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.inbox.effects import Origin, apply
from aicmo.cam.inbox.events import InboundEvent, InboundKind
from aicmo.cam.leads.schemas import LeadUpdate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, MessageStatus, OutreachMessage, SendStatus
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.outreach.sequencer import ChannelSequencer
from aicmo.cam.outreach.tasks.models import TaskStatus
from aicmo.cam.webhooks.models import WebhookDeliveryDB
from aicmo.cam.worker.loop import Worker
from aicmo.clock import ManualClock
from aicmo.operator_services import get_form_task, list_form_tasks
from aicmo.settings import Settings
from tests.integration.cam.outreach.forms import pages
from tests.integration.cam.outreach.tasks.builders import (
    BODY,
    SUBJECT,
    form_channel,
    lead_behind_captcha,
    leave_to_operator,
)
from tests.integration.cam.worker.conftest import SETTINGS
from tests.support.form_site import FormSite
from tests.support.smtp_server import ScriptedSmtpServer


def enqueue(db: Session, lead_id: int, clock: ManualClock) -> str:
    """A message trying the contact form first, then email."""
    message = messages.create(db, lead_id=lead_id, subject=SUBJECT, body=BODY, now=clock.now(),
                              channels=[Channel.CONTACT_FORM, Channel.EMAIL])
    db.commit()
    return message.id


async def send_through_worker(db: Session, sessions: sessionmaker[Session], site: FormSite, channels: ChannelRegistry,
                              clock: ManualClock) -> tuple[int, str]:
    lead = lead_behind_captcha(db, site)
    message_id = enqueue(db, lead.id, clock)
    await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)
    db.expire_all()
    return lead.id, message_id


@pytest.mark.parametrize(("page", "reason"), [(pages.RECAPTCHA, "reCAPTCHA v2 on the form"),
                                              (pages.JS_ONLY, "JavaScript-only form (fields outside any <form>)")])
async def test_a_form_a_machine_must_not_send_becomes_one_open_task_and_the_message_goes_on_by_email(
        db: Session, sessions: sessionmaker[Session], site: FormSite, channels: ChannelRegistry,
        smtp_server: ScriptedSmtpServer, clock: ManualClock, page: str, reason: str) -> None:
    lead = lead_behind_captcha(db, site)
    site.page("/contact", page)
    message_id = enqueue(db, lead.id, clock)

    await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)

    [task] = list_form_tasks(db)
    assert (task.status, task.lead_id, task.message_id, task.form_url, task.reason) == (
        TaskStatus.OPEN, lead.id, message_id, site.url("/contact"), reason)
    assert (task.subject, task.body, task.lead_name, task.company) == (SUBJECT, BODY, "Jane Doe", "Acme")
    assert site.posts == []
    assert len(smtp_server.envelopes) == 1 and smtp_server.envelopes[0].rcpt_tos == ["jane@acme.io"]
    db.expire_all()
    sent = ops.get_message(db, message_id)
    assert (sent.status, sent.channel) == (MessageStatus.SENT, Channel.EMAIL)
    assert task.message_status is MessageStatus.SENT  # shown with the task: another channel reached the lead
    assert [(a.channel, a.status) for a in ops.get_outreach_history(db, lead.id)] == [
        (Channel.CONTACT_FORM, SendStatus.FAILED), (Channel.EMAIL, SendStatus.SENT)]


async def test_a_reply_to_the_email_cancels_the_open_form_task(
        db: Session, sessions: sessionmaker[Session], site: FormSite, channels: ChannelRegistry,
        smtp_server: ScriptedSmtpServer, clock: ManualClock) -> None:
    lead_id, message_id = await send_through_worker(db, sessions, site, channels, clock)
    sent = ops.get_message(db, message_id)
    assert sent.provider_message_id

    apply(db, InboundEvent(InboundKind.REPLY, references=(sent.provider_message_id.strip("<>"),),
                           address="jane@acme.io", subject=f"Re: {SUBJECT}", text="Not now, thanks.",
                           rfc_message_id="reply-1@acme.io"), Origin("imap", None, "INBOX", 1, 1), SETTINGS)
    db.commit()

    [task] = list_form_tasks(db)
    assert (task.lead_id, task.status, task.detail) == (lead_id, TaskStatus.CANCELLED, "the lead replied")
    assert task.completed_at is not None
    assert list_form_tasks(db, status=TaskStatus.OPEN) == []


async def test_a_lead_marked_do_not_contact_has_its_open_form_task_cancelled(
        db: Session, sessions: sessionmaker[Session], site: FormSite) -> None:
    lead = lead_behind_captcha(db, site)
    task_id = await leave_to_operator(sessions, lead)

    ops.update_lead(db, lead.id, LeadUpdate(status="do_not_contact"))

    assert get_form_task(db, task_id).status is TaskStatus.CANCELLED


async def test_the_same_message_meeting_the_form_again_keeps_its_one_task(
        db: Session, sessions: sessionmaker[Session], site: FormSite) -> None:
    lead = lead_behind_captcha(db, site, linkedin_url=None)
    channel = form_channel(sessions)
    sequencer = ChannelSequencer(ChannelRegistry([channel]), sessions=sessions, order=[Channel.CONTACT_FORM],
                                 settings=Settings())
    message = OutreachMessage(lead_id=lead.id, subject=SUBJECT, body=BODY, channel=Channel.CONTACT_FORM)
    try:
        first = await sequencer.aexecute_sequence(message)
        second = await sequencer.aexecute_sequence(message)
    finally:
        await channel.aclose()

    assert first.status is second.status is MessageStatus.FAILED
    [task] = list_form_tasks(db)
    assert (task.message_id, task.body) == (message.id, BODY)
    assert site.posts == []
    history = ops.get_outreach_history(db, lead.id)
    assert [(a.channel, a.status) for a in history] == [(Channel.CONTACT_FORM, SendStatus.FAILED)] * 2


async def test_a_new_task_is_announced_to_task_created_subscribers_with_the_form_and_the_text(
        db: Session, sessions: sessionmaker[Session], site: FormSite) -> None:
    ops.create_webhook_subscription(db, "https://crm.example.com/hooks", ["task.created"])
    ops.create_webhook_subscription(db, "https://other.example.com/hooks", ["message.sent"])
    lead = lead_behind_captcha(db, site)

    task_id = await leave_to_operator(sessions, lead)

    db.expire_all()
    [delivery] = db.scalars(select(WebhookDeliveryDB)).all()
    assert delivery.event == "task.created"
    assert delivery.payload["task"] | {"id": None} == {
        "id": None, "kind": "contact_form", "form_url": site.url("/contact"), "reason": "reCAPTCHA v2 on the form",
        "subject": SUBJECT, "body": BODY, "status": "open", "message_id": get_form_task(db, task_id).message_id,
        "campaign_id": None}
    assert delivery.payload["task"]["id"] == task_id and delivery.payload["lead"]["id"] == lead.id
