"""A form posted the way a browser posts it, to the real local form site: a required select left on its
placeholder gets an option chosen by meaning (or the form goes to a person), and the POST carries the GET's
cookies, a Referer and an Origin."""

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach.domain import ErrorKind, SendStatus
from aicmo.cam.outreach.forms.channel import MANUAL_TASK, ContactFormOutreachService
from aicmo.cam.outreach.tasks.models import OperatorTaskDB, TaskKind
from tests.factories import make_lead as make_stored_lead
from tests.integration.cam.outreach.forms import pages
from tests.integration.cam.outreach.forms.factories import make_lead, make_message
from tests.integration.cam.outreach.tasks.builders import form_channel
from tests.integration.cam.outreach.tasks.conftest import sessions
from tests.support.form_site import FormSite, Reply

__all__ = ["sessions"]

DANKE = "<p>Vielen Dank! Ihre Nachricht wurde gesendet.</p>"


async def test_a_required_select_on_bitte_waehlen_gets_the_sales_option_and_the_post_looks_like_a_browsers(
        site: FormSite, service: ContactFormOutreachService) -> None:
    site.page("/kontakt", pages.german_topic_select(
        '<option value="1">Bewerbung</option><option value="2">Vertrieb</option><option value="3">Sonstiges</option>'),
        headers={"Set-Cookie": "PHPSESSID=abc123; Path=/"})
    site.route("POST", "/kontakt/senden", lambda _: Reply(body=DANKE))
    result = await service.send(make_message(), make_lead(contact_form_url=site.url("/kontakt")))

    assert result.status is SendStatus.SENT, result.detail
    (post,) = site.posts
    assert post.field("anliegen") == "2"  # Vertrieb (sales), never the placeholder's "0"
    assert "PHPSESSID=abc123" in post.headers.get("cookie", "")
    assert post.headers["referer"] == site.url("/kontakt")
    assert post.headers["origin"] == site.url("/").rstrip("/")


async def test_without_a_sales_option_a_general_enquiry_then_other_is_chosen(
        site: FormSite, service: ContactFormOutreachService) -> None:
    site.page("/kontakt", pages.german_topic_select(
        '<option value="presse">Presse</option><option value="sonst">Sonstiges</option>'
        '<option value="allg">Allgemeine Anfrage</option>'))
    site.route("POST", "/kontakt/senden", lambda _: Reply(body=DANKE))
    result = await service.send(make_message(), make_lead(contact_form_url=site.url("/kontakt")))
    assert result.status is SendStatus.SENT and site.posts[0].field("anliegen") == "allg"


async def test_a_required_select_no_option_fits_is_never_posted_and_becomes_an_operator_task(
        db: Session, sessions: sessionmaker[Session], site: FormSite) -> None:
    site.page("/kontakt", pages.german_topic_select(
        '<option value="1">Bewerbung</option><option value="2">Reklamation</option>'))
    lead = ops.create_lead(db, LeadCreate(**make_stored_lead(contact_form_url=site.url("/kontakt"))))
    service = form_channel(sessions)
    try:
        sent = make_message(lead.id)
        result = await service.send(sent, lead)
    finally:
        await service.aclose()

    assert site.posts == []
    assert (result.status, result.error_kind) == (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED)
    assert result.detail.startswith(MANUAL_TASK) and "'Ihr Anliegen' is left on 'Bitte wählen'" in result.detail
    task = db.scalars(select(OperatorTaskDB).where(OperatorTaskDB.message_id == sent.id)).one()
    assert task.kind is TaskKind.FORM
