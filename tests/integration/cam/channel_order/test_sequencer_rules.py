"""A learned order changes only which channel a step tries first: the sequencer's fallback, its stop on a fatal
failure, and the rate limits work on it exactly as on the steps' own order."""

from datetime import timedelta
from typing import ClassVar

from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam import auto
from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.base import OutreachServiceBase
from aicmo.cam.outreach.domain import Channel, ErrorKind, MessageStatus, OutreachMessage, SendResult, SendStatus
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.templates.render import RenderLimits
from aicmo.cam.worker.loop import Worker
from aicmo.clock import ManualClock
from aicmo.settings import Settings
from tests.integration.cam.channel_order.support import (
    EMAIL_FIRST,
    LINKEDIN_FIRST,
    earlier_leads,
    graded_lead,
    learning_campaign,
    messages_of,
)
from tests.integration.cam.worker.conftest import add_mailbox, registry_for
from tests.support.smtp_server import GREYLISTED, NO_SUCH_USER, ScriptedSmtpServer

LINKEDIN_THEN_EMAIL = [{"channels": ["linkedin", "email"], "subject": "Hi", "body": "Hi {{ first_name }}"}]


class RefusingForm(OutreachServiceBase):
    """A contact-form adapter whose site answers every send with a fatal refusal: no real channel answers a send
    with a fatal error at once (complaints and unsubscribes come later), so this one stands in for it."""

    channel: ClassVar[Channel] = Channel.CONTACT_FORM

    async def send(self, message: OutreachMessage, lead: LeadRead) -> SendResult:
        return SendResult.failed(Channel.CONTACT_FORM, ErrorKind.FATAL, "the site owner asked never to be contacted")

    async def check_status(self, provider_message_id: str) -> SendResult | None:
        raise AssertionError("a send refused on the spot is never asked about later")


def email_first_learned(db: Session, clock: ManualClock, steps: list[dict[str, object]] = LINKEDIN_THEN_EMAIL,
                        ) -> CampaignDB:
    """A campaign whose steps try LinkedIn first, where grade A leads have learned that email first works."""
    campaign = learning_campaign(db, clock.now(), steps=steps)
    long_ago = clock.now() - timedelta(days=60)
    earlier_leads(db, campaign, "A", EMAIL_FIRST, count=12, positive=True, when=long_ago)
    earlier_leads(db, campaign, "A", LINKEDIN_FIRST, count=12, positive=False, when=long_ago)
    return campaign


def start(db: Session, campaign: CampaignDB, clock: ManualClock) -> None:
    auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits())
    db.commit()


async def test_the_learned_first_channel_falls_back_to_the_next_when_it_fails(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    campaign = email_first_learned(db, clock)
    smtp_server.scripts["amy@amy.io"] = NO_SUCH_USER
    lead = graded_lead(db, "amy", "A")
    start(db, campaign, clock)
    await Worker(sessions, channels, clock=clock, settings=Settings()).run(once=True)
    [message] = messages_of(db, lead.id)
    assert message.channel_order == ["email", "linkedin"]
    assert (message.status, message.channel) == (MessageStatus.SENT, Channel.LINKEDIN)
    assert [(a.channel, a.status) for a in ops.get_outreach_history(db, lead.id)] == [
        (Channel.EMAIL, SendStatus.FAILED), (Channel.LINKEDIN, SendStatus.PENDING)]


async def test_the_learned_first_channel_is_retried_after_a_transient_failure(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    campaign = email_first_learned(db, clock)
    smtp_server.scripts["amy@amy.io"] = GREYLISTED
    lead = graded_lead(db, "amy", "A")
    start(db, campaign, clock)
    worker = Worker(sessions, channels, clock=clock, settings=Settings())
    await worker.run(once=True)
    [waiting] = messages_of(db, lead.id)
    assert (waiting.status, waiting.channel, waiting.channel_attempts) == (MessageStatus.PENDING, Channel.EMAIL, 1)
    assert waiting.next_attempt_at is not None
    del smtp_server.scripts["amy@amy.io"]
    clock.move_to(waiting.next_attempt_at)
    await worker.run(once=True)
    [sent] = messages_of(db, lead.id)
    assert (sent.status, sent.channel) == (MessageStatus.SENT, Channel.EMAIL) and len(smtp_server.envelopes) == 1


async def test_a_fatal_failure_on_the_learned_first_channel_stops_the_lead(
        db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer, clock: ManualClock) -> None:
    steps = [{"channels": ["email", "contact_form"], "subject": "Hi", "body": "Hi {{ first_name }}"},
             {"channels": ["email"], "delay_hours": 1, "subject": "Re: Hi", "body": "Following up."}]
    campaign = learning_campaign(db, clock.now(), steps=steps)
    long_ago = clock.now() - timedelta(days=60)
    earlier_leads(db, campaign, "A", [Channel.CONTACT_FORM, Channel.EMAIL], count=12, positive=True, when=long_ago)
    earlier_leads(db, campaign, "A", [Channel.EMAIL, Channel.CONTACT_FORM], count=12, positive=False, when=long_ago)
    add_mailbox(db, smtp_server)
    registry = registry_for(sessions)
    registry.register(RefusingForm())
    lead = graded_lead(db, "amy", "A")
    start(db, campaign, clock)
    try:
        await Worker(sessions, registry, clock=clock, settings=Settings()).run(once=True)
    finally:
        await registry.aclose()
    [message] = messages_of(db, lead.id)
    assert message.channel_order == ["contact_form", "email"]
    assert (message.status, message.channel) == (MessageStatus.FAILED, Channel.CONTACT_FORM)
    assert [(a.channel, a.error_kind) for a in ops.get_outreach_history(db, lead.id)] == [
        (Channel.CONTACT_FORM, ErrorKind.FATAL)]
    assert smtp_server.envelopes == []


async def test_leads_given_the_same_learned_order_still_wait_for_its_channels_rate_limit(
        db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer, clock: ManualClock) -> None:
    campaign = email_first_learned(db, clock)
    add_mailbox(db, smtp_server, daily_cap=2)
    registry = registry_for(sessions)
    leads = [graded_lead(db, name, "A") for name in ("amy", "bob", "cat", "dan")]
    start(db, campaign, clock)
    try:
        worker = Worker(sessions, registry, clock=clock, settings=Settings())
        await worker.run(once=True)
        assert len(smtp_server.envelopes) == 2
        first = [messages_of(db, lead.id)[0] for lead in leads]
        assert all(m.channel_order == ["email", "linkedin"] for m in first)
        waiting = [m for m in first if m.status is MessageStatus.PENDING]
        assert len(waiting) == 2 and all(m.channel is Channel.EMAIL and m.attempts == 0 for m in waiting)
        assert all("day" in (m.last_error or "") for m in waiting)
        clock.advance(timedelta(days=1))
        await worker.run(once=True)
    finally:
        await registry.aclose()
    assert len(smtp_server.envelopes) == 4
    assert all(messages_of(db, lead.id)[0].channel is Channel.EMAIL for lead in leads)
