"""Sending real forms to a real local website, and checking what the site received."""

from aicmo.cam.outreach.domain import Channel, ErrorKind, SendStatus
from aicmo.cam.outreach.forms.channel import ContactFormOutreachService
from aicmo.cam.outreach.forms.model import MULTIPART, URLENCODED
from aicmo.settings import Settings
from tests.integration.cam.outreach.forms import pages
from tests.integration.cam.outreach.forms.factories import make_lead, make_message
from tests.support.form_site import FormSite, Received, Reply

BODY = "Hello,\nwe help teams like yours.\nSam"


def thanks(_got: Received) -> Reply:
    return Reply(body=pages.THANK_YOU)


async def send_to(service: ContactFormOutreachService, url: str) -> SendStatus:
    result = await service.send(make_message(), make_lead(contact_form_url=url))
    assert result.status is SendStatus.SENT, result.detail
    return result.status


async def test_a_plain_contact_form_is_posted_with_the_senders_identity_and_the_message(
        site: FormSite, service: ContactFormOutreachService) -> None:
    site.page("/contact", pages.PLAIN)
    site.route("POST", "/contact", thanks)
    result = await service.send(make_message(), make_lead(contact_form_url=site.url("/contact")))
    assert (result.status, result.channel, result.response_code) == (SendStatus.SENT, Channel.CONTACT_FORM, 200)
    assert (result.target, result.target_domain) == (site.url("/contact"), "127.0.0.1")
    assert result.detail.startswith("confirmed: ") and result.provider_message_id
    (post,) = site.posts
    assert (post.path, post.content_type) == ("/contact", URLENCODED)
    assert post.fields == {"name": ["Sam Sender"], "email": ["sam@sender.example"], "company": ["Sender GmbH"],
                           "phone": ["+49 30 1234567"], "subject": ["Quick question"], "message": [BODY]}
    assert post.headers["user-agent"] == Settings().http_user_agent


async def test_german_fields_named_only_by_their_labels_are_filled_and_only_the_consent_box_ticked(
        site: FormSite, service: ContactFormOutreachService) -> None:
    site.page("/kontakt", pages.GERMAN_LABELS_ONLY)
    site.route("POST", "/kontakt/senden", lambda _: Reply(body="<p>Vielen Dank! Ihre Nachricht wurde gesendet.</p>"))
    await send_to(service, site.url("/kontakt"))
    assert site.posts[0].fields == {"f1": ["Sam"], "f2": ["Sender"], "f3": ["sam@sender.example"],
                                    "f4": ["Sender GmbH"], "f5": ["+49 30 1234567"], "f6": ["Quick question"],
                                    "f7": [BODY], "f8": ["ja"]}


async def test_a_required_select_gets_the_sales_option_and_the_textarea_the_message(
        site: FormSite, service: ContactFormOutreachService) -> None:
    site.page("/contact", pages.SELECT_AND_TEXTAREA)
    site.route("POST", "/inquiry", thanks)
    await send_to(service, site.url("/contact"))
    assert site.posts[0].fields == {"fullname": ["Sam Sender"], "workemail": ["sam@sender.example"],
                                    "topic": ["sales"], "country": [""], "details": [BODY], "send": ["Send request"]}


async def test_a_multipart_form_sends_its_csrf_token_and_session_cookie_back(
        site: FormSite, service: ContactFormOutreachService) -> None:
    site.page("/contact", pages.csrf_multipart("tok-123"), headers={"Set-Cookie": "session=s-42; Path=/; HttpOnly"})

    def answer_by_token(got: Received) -> Reply:
        if got.fields.get("csrf_token") != ["tok-123"] or "session=s-42" not in got.headers.get("cookie", ""):
            return Reply(403, "<p>CSRF verification failed</p>")
        return Reply(body="<p>Merci, votre message a bien été envoyé.</p>")

    site.route("POST", "/secure", answer_by_token)
    await send_to(service, site.url("/contact"))
    (post,) = site.posts
    assert post.content_type == MULTIPART
    assert post.fields == {"csrf_token": ["tok-123"], "form_id": ["contact-7"], "nom": ["Sender"], "prenom": ["Sam"],
                           "courriel": ["sam@sender.example"], "societe": ["Sender GmbH"], "msg": [BODY],
                           "rgpd": ["1"]}


async def test_a_site_refusing_the_csrf_token_it_gave_fails_the_channel_with_its_403(
        site: FormSite, service: ContactFormOutreachService) -> None:
    site.page("/contact", pages.csrf_multipart("tok-old"), headers={"Set-Cookie": "session=s-42; Path=/; HttpOnly"})
    site.route("POST", "/secure", lambda got: Reply(body="<p>Merci !</p>")
               if got.fields.get("csrf_token") == ["tok-new"] else Reply(403, "<p>CSRF verification failed</p>"))
    result = await service.send(make_message(), make_lead(contact_form_url=site.url("/contact")))
    assert (result.status, result.error_kind, result.response_code) == (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED,
                                                                        403)
    assert "HTTP 403" in result.detail
    (post,) = site.posts  # posted once, with the token and the session cookie the page gave, and not retried
    assert (post.fields["csrf_token"], "session=s-42" in post.headers["cookie"]) == (["tok-old"], True)


async def test_only_the_contact_form_is_submitted_on_a_page_with_search_and_newsletter_forms(
        site: FormSite, service: ContactFormOutreachService) -> None:
    site.page("/", pages.THREE_FORMS)
    site.route("POST", "/contact-submit", thanks)
    await send_to(service, site.url("/"))
    assert [(r.method, r.path) for r in site.received] == [("GET", "/"), ("POST", "/contact-submit")]
    assert site.posts[0].fields == {"your-name": ["Sam Sender"], "your-email": ["sam@sender.example"],
                                    "your-message": [BODY]}


async def test_honeypot_fields_arrive_empty(site: FormSite, service: ContactFormOutreachService) -> None:
    site.page("/contact", pages.HONEYPOT)
    site.route("POST", "/contact", thanks)
    await send_to(service, site.url("/contact"))
    fields = site.posts[0].fields
    assert (fields["website"], fields["comment_check"], fields["fax"]) == ([""], [""], [""])
    assert fields["name"] == ["Sam Sender"] and fields["message"] == [BODY]


async def test_a_home_page_without_a_form_leads_to_the_kontakt_page_it_links_to(
        site: FormSite, service: ContactFormOutreachService) -> None:
    site.page("/", pages.HOME_LINKING_TO_KONTAKT)
    site.page("/kontakt", pages.GERMAN_LABELS_ONLY)
    site.route("POST", "/kontakt/senden", lambda _: Reply(body="<h2>Danke für Ihre Anfrage</h2>"))
    result = await service.send(make_message(), make_lead(website=site.url("/")))
    assert result.status is SendStatus.SENT, result.detail
    assert result.target == site.url("/kontakt")
    assert [(r.method, r.path) for r in site.received] == [("GET", "/"), ("GET", "/kontakt"),
                                                           ("POST", "/kontakt/senden")]


async def test_a_redirect_to_another_page_after_the_post_means_sent(
        site: FormSite, service: ContactFormOutreachService) -> None:
    site.page("/contact", pages.PLAIN)
    site.redirect("POST", "/contact", "/thanks", status=303)
    result = await service.send(make_message(), make_lead(contact_form_url=site.url("/contact")))
    assert (result.status, result.response_code) == (SendStatus.SENT, 303)
    assert "redirected to " + site.url("/thanks") in result.detail
    assert [r.path for r in site.posts] == ["/contact"]


async def test_a_redirect_back_to_the_form_page_is_read_for_its_confirmation(
        site: FormSite, service: ContactFormOutreachService) -> None:
    flashed = pages.PLAIN.replace("<h1>Contact us</h1>", '<p class="flash">Thanks, message sent!</p>')
    site.route("GET", "/contact", lambda _: Reply(body=flashed if site.posts else pages.PLAIN))
    site.redirect("POST", "/contact", "/contact", status=302)
    result = await service.send(make_message(), make_lead(contact_form_url=site.url("/contact")))
    assert result.status is SendStatus.SENT and result.detail.startswith("confirmed: "), result.detail
    assert [(r.method, r.path) for r in site.received] == [("GET", "/contact"), ("POST", "/contact"),
                                                           ("GET", "/contact")]
