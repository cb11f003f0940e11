"""A database with something on every page: graded leads, a running campaign the worker delivered by email to a
local SMTP server, a reply, an open LinkedIn task, a paused mailbox and an alert."""

import asyncio
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.alerts.service import raise_alert
from aicmo.cam.inbox.effects import Origin, apply
from aicmo.cam.inbox.events import InboundEvent, InboundKind
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach.domain import SmtpSecurity
from aicmo.cam.outreach.email.channel import EmailOutreachService
from aicmo.cam.outreach.linkedin.channel import LinkedInOutreachService
from aicmo.cam.outreach.linkedin.tasks import TaskProvider
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.worker.loop import Worker
from aicmo.settings import Settings
from tests.factories import make_lead
from tests.integration.web.dashboard.support import A_GRADE, CAMPAIGN, SETTINGS
from tests.support.threaded import smtp_in_thread

REPLY = "Sounds good, call me Tuesday."


@dataclass(frozen=True)
class Seeded:
    replied_lead: int
    linkedin_lead: int
    low_lead: int
    campaign: int
    task: int
    alert: int


def channels(sessions: sessionmaker[Session]) -> ChannelRegistry:
    """Email from the stored mailboxes and LinkedIn as operator tasks, as an installation wires them."""
    registry = ChannelRegistry([LinkedInOutreachService(sessions, TaskProvider())])
    email = EmailOutreachService.from_db(sessions, settings=SETTINGS)
    if email.mailboxes:
        registry.register(email)
    return registry


async def deliver_due(sessions: sessionmaker[Session]) -> None:
    registry = channels(sessions)
    try:
        await Worker(sessions, registry, poll_seconds=0.1, settings=Settings()).run(once=True)
    finally:
        await registry.aclose()


def seed(db: Session, sessions: sessionmaker[Session]) -> Seeded:
    with smtp_in_thread() as server:
        ops.add_mailbox(db, {"name": "sales", "from_address": "sales@seller.example", "smtp_host": server.host,
                             "smtp_port": server.port, "smtp_security": SmtpSecurity.NONE})
        jane = ops.create_lead(db, LeadCreate(**make_lead(**A_GRADE)))
        lin = ops.create_lead(db, LeadCreate(**make_lead(
            first_name="Lin", last_name="Kedin", email=None, company_name="Kedin Labs", website="https://kedin.io",
            linkedin_url="https://www.linkedin.com/in/lin-kedin", **A_GRADE)))
        low = ops.create_lead(db, LeadCreate(**make_lead(first_name="Ivan", email="ivan@tiny.shop", title="Intern",
                                                         company_name="Tiny Shop", website="https://tiny.shop")))
        campaign = ops.create_campaign(db, CAMPAIGN)
        ops.start_campaign(db, campaign.id)
        asyncio.run(deliver_due(sessions))
        assert len(server.envelopes) == 1
    sent = next(m for m in ops.list_messages(db, lead_id=jane.id) if m.sequence_step == 0)
    assert sent.provider_message_id
    apply(db, InboundEvent(InboundKind.REPLY, references=(sent.provider_message_id.strip("<>"),),
                           address=jane.email, subject="Re: question", text=REPLY, rfc_message_id="r1@acme.io"),
          Origin("imap", None, "INBOX", 1, 1), SETTINGS)
    alert = raise_alert(db, "mailbox_paused", subject="sales paused", message="bounce rate 7.5% over 40 sends")
    db.commit()
    ops.pause_mailbox(db, "sales", "bounce rate 7.5% over 40 sends")
    task = ops.list_linkedin_tasks(db)[0]
    return Seeded(jane.id, lin.id, low.id, campaign.id, task.id, alert.id)
