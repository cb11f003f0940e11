"""Contact forms left to the operator the way the channel leaves them: a real send to a local CAPTCHA page."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate, LeadRead
from aicmo.cam.outreach.forms.channel import MANUAL_TASK, ContactFormOutreachService
from aicmo.cam.outreach.forms.tasks.models import ContactFormTaskDB
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
        return db.scalars(select(ContactFormTaskDB.id).where(ContactFormTaskDB.message_id == sent.id)).one()
