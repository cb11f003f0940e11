"""At most one form per domain per campaign, counted from the attempts stored in the database."""

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach.attempts import record_attempt
from aicmo.cam.outreach.domain import ErrorKind, SendStatus
from aicmo.db.engine import make_session_factory
from tests.factories import make_lead
from tests.integration.cam.outreach.forms import pages
from tests.integration.cam.outreach.forms.factories import ServiceFactory, make_message
from tests.support.form_site import FormSite, Reply


async def test_a_second_form_to_the_same_domain_in_a_campaign_is_refused(
        db: Session, engine: Engine, site: FormSite, service_factory: ServiceFactory) -> None:
    site.page("/contact", pages.PLAIN)
    site.route("POST", "/contact", lambda _: Reply(body=pages.THANK_YOU))
    lead = ops.create_lead(db, LeadCreate(**make_lead(contact_form_url=site.url("/contact"))))
    spring, autumn = CampaignDB(name="spring"), CampaignDB(name="autumn")
    db.add_all([spring, autumn])
    db.commit()
    service = service_factory(sessions=make_session_factory(engine))

    first_message = make_message(lead.id, campaign_id=spring.id)
    first = await service.send(first_message, lead)
    assert first.status is SendStatus.SENT, first.detail
    record_attempt(db, first_message, first)
    db.commit()
    assert service.get_submission_count("127.0.0.1", campaign_id=spring.id) == 1
    assert service.get_submission_count("127.0.0.1", campaign_id=autumn.id) == 0

    again = await service.send(make_message(lead.id, campaign_id=spring.id), lead)
    assert (again.status, again.error_kind) == (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED)
    assert again.detail == f"already sent 1 form(s) to 127.0.0.1 in campaign {spring.id} (limit 1 per domain)"
    assert len(site.posts) == 1

    other = await service.send(make_message(lead.id, campaign_id=autumn.id), lead)
    assert other.status is SendStatus.SENT, other.detail
    assert len(site.posts) == 2


async def test_the_count_comes_from_stored_attempts_not_only_from_this_process(
        db: Session, engine: Engine, site: FormSite, service_factory: ServiceFactory) -> None:
    site.page("/contact", pages.PLAIN)
    site.route("POST", "/contact", lambda _: Reply(body=pages.THANK_YOU))
    lead = ops.create_lead(db, LeadCreate(**make_lead(contact_form_url=site.url("/contact"))))
    campaign = CampaignDB(name="spring")
    db.add(campaign)
    db.commit()
    message = make_message(lead.id, campaign_id=campaign.id)
    sent = await service_factory().send(message, lead)  # another process, in effect: its own counters
    record_attempt(db, message, sent)
    db.commit()

    fresh = service_factory(sessions=make_session_factory(engine))
    refused = await fresh.send(make_message(lead.id, campaign_id=campaign.id), lead)
    assert refused.error_kind is ErrorKind.CHANNEL_FAILED and "already sent 1 form(s)" in refused.detail
    assert sent.provider_message_id is not None
    stored = await fresh.check_status(sent.provider_message_id)
    assert stored is not None and (stored.status, stored.target_domain) == (SendStatus.SENT, "127.0.0.1")
    assert await fresh.check_status("form:unknown") is None
