"""Tasks left to the operator the way the channels leave them: a real send to a local CAPTCHA page, a LinkedIn step
handed to the operator."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate, LeadRead
from aicmo.cam.outreach.domain import Channel, OutreachMessage
from aicmo.cam.outreach.forms.channel import MANUAL_TASK, ContactFormOutreachService
from aicmo.cam.outreach.linkedin.channel import LinkedInOutreachService
from aicmo.cam.outreach.linkedin.tasks import TaskProvider
from aicmo.cam.outreach.tasks.models import OperatorTaskDB, TaskKind
from tests.factories import make_lead
from tests.integration.cam.outreach.forms import pages
from tests.integration.cam.outreach.forms.factories import SENDER, local_settings, make_message
from tests.support.form_site import FormSite

SUBJECT = "Quick question"
BODY = "Hello,\nwe help teams like yours.\nSam"


def form_channel(sessions: sessionmaker[Session]) -> ContactFormOutreachService:
    """The contact-form channel on the test database, allowed to reach the local site."""
    return ContactFormOutreachService(SENDER, sessions=sessions, settings=local_settings())


def lead_behind_captcha(db: Session, site: FormSite, **overrides: Any) -> LeadRead:
    """A stored lead whose contact form (on the local site) carries a reCAPTCHA."""
    site.page("/contact", pages.RECAPTCHA)
    return ops.create_lead(db, LeadCreate(**make_lead(**({"contact_form_url": site.url("/contact")} | overrides))))


async def leave_to_operator(sessions: sessionmaker[Session], lead: LeadRead, **message: Any) -> int:
    """Send a message to the lead's CAPTCHA form through the channel; return the id of the task it left."""
    service = form_channel(sessions)
    sent = make_message(lead.id, **({"subject": SUBJECT, "body": BODY} | message))
    try:
        result = await service.send(sent, lead)
    finally:
        await service.aclose()
    assert result.detail.startswith(MANUAL_TASK), result.detail
    with sessions() as db:
        return db.scalars(select(OperatorTaskDB.id).where(OperatorTaskDB.kind == TaskKind.FORM,
                                                          OperatorTaskDB.message_id == sent.id)).one()


def lead_on_linkedin(db: Session, **overrides: Any) -> LeadRead:
    """A stored lead with a LinkedIn profile."""
    fields = {"first_name": "Lin", "last_name": "Kedin", "email": "lin@kedin.io", "company_name": "Kedin Labs",
              "linkedin_url": "https://www.linkedin.com/in/lin-kedin"}
    return ops.create_lead(db, LeadCreate(**make_lead(**(fields | overrides))))


async def hand_to_operator(sessions: sessionmaker[Session], lead: LeadRead, note: str = "Hi Lin, let's connect",
                           message_id: str | None = None) -> int:
    """Send a LinkedIn step to the lead through the channel (tasks provider); return the id of the task it left."""
    service = LinkedInOutreachService(sessions, TaskProvider())
    sent = OutreachMessage(lead_id=lead.id, body=note, channel=Channel.LINKEDIN, **(
        {"id": message_id} if message_id else {}))
    try:
        await service.send(sent, lead)
    finally:
        await service.aclose()
    with sessions() as db:
        return db.scalars(select(OperatorTaskDB.id).where(OperatorTaskDB.kind == TaskKind.LINKEDIN,
                                                          OperatorTaskDB.message_id == sent.id)).one()
