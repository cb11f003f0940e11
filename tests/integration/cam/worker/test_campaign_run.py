"""A campaign from start to finish in accelerated time: steps follow their delays, inside the send window."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam import auto
from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadUpdate
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.templates.render import RenderLimits
from aicmo.cam.worker.loop import Worker, run_accelerated
from aicmo.clock import ManualClock
from aicmo.settings import Settings
from tests.integration.cam.worker.conftest import new_lead
from tests.support.smtp_server import ScriptedSmtpServer

SEQUENCE = {
    "name": "Q4 outbound",
    "audience": {"grades": [], "statuses": ["new"]},
    "steps": [
        {"subject": "{Hi|Hello} {{ first_name | default('there') }}", "body": "Saw {{ company }}.\n{{ sender.name }}",
         "variants": [{"name": "a", "body": "A: {{ first_name }} at {{ company }}"},
                      {"name": "b", "body": "B: {{ first_name }} at {{ company }}"}]},
        {"channels": ["linkedin"], "delay_hours": 72, "body": "Hi {{ first_name }}, connecting after my email."},
        {"channels": ["email"], "delay_hours": 96, "subject": "Re: {{ company }}", "body": "Following up."},
    ],
    "send_window": {"days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00", "timezone": "UTC"},
    "sender": {"name": "John Seller"},
}


def messages_of(db: Session, lead_id: int) -> list[OutreachMessageDB]:
    db.expire_all()
    return list(db.scalars(select(OutreachMessageDB).where(OutreachMessageDB.lead_id == lead_id)
                           .order_by(OutreachMessageDB.sequence_step)))


async def test_runs_every_step_in_order_inside_the_leads_send_window(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    london = new_lead(db, email="amy@north.co.uk", first_name="Amy", company_name="North Ltd", country="GB",
                      linkedin_url="https://www.linkedin.com/in/amy-north")
    tokyo = new_lead(db, email="ken@east.jp", first_name="Ken", company_name="East KK", time_zone="Asia/Tokyo",
                     linkedin_url="https://www.linkedin.com/in/ken-east")
    campaign = campaigns.create(db, SEQUENCE, now=clock.now())
    assert auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits()) == 2
    db.commit()
    await run_accelerated(Worker(sessions, channels, clock=clock, settings=Settings()), clock)

    for lead, zone in ((london, ZoneInfo("Europe/London")), (tokyo, ZoneInfo("Asia/Tokyo"))):
        steps = messages_of(db, lead.id)
        assert [(m.sequence_step, m.status, m.channel) for m in steps] == [
            (0, MessageStatus.SENT, Channel.EMAIL), (1, MessageStatus.SENT, Channel.LINKEDIN),
            (2, MessageStatus.SENT, Channel.EMAIL)]
        sent = [m.sent_at for m in steps]
        assert all(s is not None for s in sent)
        assert sent[1] - sent[0] >= timedelta(hours=72) and sent[2] - sent[1] >= timedelta(hours=96)
        for moment in sent:
            local = moment.astimezone(zone)  # type: ignore[union-attr]
            assert local.isoweekday() <= 5 and 9 <= local.hour < 17, local
        assert steps[0].template_variant in ("a", "b")
        assert steps[0].body.startswith(steps[0].template_variant.upper() + ": ")  # type: ignore[union-attr]
        assert db.get(LeadDB, lead.id).status is LeadStatus.CONTACTED  # type: ignore[union-attr]
    assert len(smtp_server.envelopes) == 4
    assert campaigns.get(db, campaign.id).status == campaigns.COMPLETED


async def test_a_reply_cancels_the_remaining_steps(db: Session, sessions: sessionmaker[Session],
                                                  channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
                                                  clock: ManualClock) -> None:
    lead = new_lead(db, first_name="Amy", linkedin_url="https://www.linkedin.com/in/amy-north")
    campaign = campaigns.create(db, SEQUENCE, now=clock.now())
    auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits())
    db.commit()
    worker = Worker(sessions, channels, clock=clock, settings=Settings())
    await run_accelerated(worker, clock, until=clock.now() + timedelta(hours=12))
    assert [m.status for m in messages_of(db, lead.id)] == [MessageStatus.SENT, MessageStatus.PENDING]
    db.get(LeadDB, lead.id).status = LeadStatus.REPLIED  # type: ignore[union-attr]
    db.commit()
    await run_accelerated(worker, clock)
    assert [m.status for m in messages_of(db, lead.id)] == [MessageStatus.SENT, MessageStatus.CANCELLED]
    assert len(smtp_server.envelopes) == 1


async def test_a_lead_missing_a_required_field_is_flagged_not_sent(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    spec = {**SEQUENCE, "steps": [{"subject": "Hi", "body": "Hello {{ first_name }}"}]}
    lead = new_lead(db, first_name=None, last_name=None, email="info@acme.io")
    campaign = campaigns.create(db, spec, now=clock.now())
    auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits())
    db.commit()
    await run_accelerated(Worker(sessions, channels, clock=clock, settings=Settings()), clock)
    [message] = messages_of(db, lead.id)
    assert message.status is MessageStatus.SKIPPED and "first_name" in (message.last_error or "")
    assert smtp_server.envelopes == []


async def test_a_reply_at_the_company_stops_everyone_there_when_the_campaign_says_so(
        db: Session, sessions: sessionmaker[Session], channels: ChannelRegistry, smtp_server: ScriptedSmtpServer,
        clock: ManualClock) -> None:
    first = new_lead(db, first_name="Amy", email="amy@acme.io", last_name="One")
    second = new_lead(db, first_name="Bob", email="bob@acme.io", last_name="Two")
    spec = {**SEQUENCE, "stop_company_on_reply": True, "send_window": {"always": True},
            "steps": [{"channels": ["email"], "subject": "Hi", "body": "Hi {{ first_name }}"}]}
    campaign = campaigns.create(db, spec, now=clock.now())
    auto.start(db, campaign.id, now=clock.now(), limits=RenderLimits())
    db.commit()
    ops.update_lead(db, first.id, LeadUpdate(status=LeadStatus.REPLIED))
    assert [m.status for m in messages_of(db, first.id)] == [MessageStatus.CANCELLED]
    await run_accelerated(Worker(sessions, channels, clock=clock, settings=Settings()), clock)
    [message] = messages_of(db, second.id)
    assert message.status is MessageStatus.CANCELLED and "acme.io replied" in (message.last_error or "")
    assert smtp_server.envelopes == []
