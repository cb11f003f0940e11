"""Forms that must not or cannot be sent, and websites that misbehave: each ends in a clear failed result."""

import socket

import pytest
from selectolax.lexbor import LexborHTMLParser

from aicmo.cam.outreach.domain import ErrorKind, SendResult, SendStatus
from aicmo.cam.outreach.forms.channel import MANUAL_TASK, ContactFormOutreachService
from tests.integration.cam.outreach.forms import pages
from tests.integration.cam.outreach.forms.factories import ServiceFactory, make_lead, make_message
from tests.support.form_site import FormSite, Reply, chunks


async def send_to(service: ContactFormOutreachService, url: str) -> SendResult:
    result = await service.send(make_message(), make_lead(contact_form_url=url))
    assert result.status is SendStatus.FAILED and result.error_kind is not None
    return result


@pytest.mark.parametrize(("html", "reason"), [
    (pages.RECAPTCHA, "reCAPTCHA v2 on the form"),
    (pages.JS_ONLY, "JavaScript-only form"),
    (pages.PLAIN.replace("</form>", '<label>Your budget <input name="budget" required></label></form>'),
     "required field 'Your budget' not understood"),
])
async def test_forms_a_machine_must_not_send_are_never_posted_and_go_to_the_operator(
        site: FormSite, service: ContactFormOutreachService, html: str, reason: str) -> None:
    site.page("/contact", html)
    result = await send_to(service, site.url("/contact"))
    assert result.error_kind is ErrorKind.CHANNEL_FAILED
    assert result.detail.startswith(MANUAL_TASK) and reason in result.detail
    assert "offered to the operator as a manual task" in result.detail
    assert site.posts == []


async def test_the_form_coming_back_with_validation_errors_fails_the_channel_with_the_errors(
        site: FormSite, service: ContactFormOutreachService) -> None:
    site.page("/contact", pages.PLAIN)
    site.route("POST", "/contact", lambda _: Reply(body=pages.FORM_WITH_ERRORS))
    result = await send_to(service, site.url("/contact"))
    assert (result.error_kind, result.response_code) == (ErrorKind.CHANNEL_FAILED, 200)
    assert "This email address is invalid." in result.detail and MANUAL_TASK not in result.detail


@pytest.mark.parametrize(("status", "kind"), [
    (500, ErrorKind.TRANSIENT), (502, ErrorKind.TRANSIENT), (429, ErrorKind.TRANSIENT),
    (403, ErrorKind.CHANNEL_FAILED), (404, ErrorKind.CHANNEL_FAILED),
])
async def test_an_error_status_after_the_post_is_transient_for_5xx_and_429_only(
        site: FormSite, service: ContactFormOutreachService, status: int, kind: ErrorKind) -> None:
    site.page("/contact", pages.PLAIN)
    site.route("POST", "/contact", lambda _: Reply(status, "<h1>Oops</h1>"))
    result = await send_to(service, site.url("/contact"))
    assert (result.error_kind, result.response_code) == (kind, status)
    assert f"HTTP {status}" in result.detail


@pytest.mark.parametrize(("status", "kind"), [(503, ErrorKind.TRANSIENT), (404, ErrorKind.CHANNEL_FAILED)])
async def test_an_error_status_on_the_form_page_stops_before_any_post(
        site: FormSite, service: ContactFormOutreachService, status: int, kind: ErrorKind) -> None:
    site.page("/contact", pages.PLAIN, status=status)
    result = await send_to(service, site.url("/contact"))
    assert (result.error_kind, result.response_code) == (kind, status)
    assert site.posts == []


async def test_a_page_slower_than_the_timeout_is_a_transient_failure(
        site: FormSite, service_factory: ServiceFactory) -> None:
    site.page("/contact", pages.PLAIN, delay=1.0)
    result = await send_to(service_factory(http_timeout=0.2), site.url("/contact"))
    assert result.error_kind is ErrorKind.TRANSIENT and "timed out after 0.2s" in result.detail


async def test_pages_larger_than_the_cap_are_refused_whether_announced_or_streamed(
        site: FormSite, service_factory: ServiceFactory) -> None:
    service = service_factory(http_max_bytes=50_000)
    site.page("/announced", pages.PLAIN + "<p>x</p>" * 20_000)
    site.route("GET", "/streamed", lambda _: Reply(body=chunks(5_000_000)))
    for path in ("/announced", "/streamed"):
        result = await send_to(service, site.url(path))
        assert result.error_kind is ErrorKind.CHANNEL_FAILED
        assert "page larger than the 50,000-byte cap" in result.detail


@pytest.mark.parametrize(("body", "content_type", "detail"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "image/png", "not an HTML page (image/png)"),
    (bytes(range(256)) * 40, "application/octet-stream", "not an HTML page (application/octet-stream)"),
    (b"\xff\xfe\x00<\x00f\x00o\x00r\x00m" + bytes(range(256)) * 40, "text/html", "no contact form found"),
    (b"%PDF-1.7 \x00\x01\x02", "", "not an HTML page (unknown content type)"),
])
async def test_binary_or_garbage_pages_end_in_a_clear_failure(
        site: FormSite, service: ContactFormOutreachService, body: bytes, content_type: str, detail: str) -> None:
    site.page("/contact", body, content_type=content_type)
    result = await send_to(service, site.url("/contact"))
    assert result.error_kind is ErrorKind.CHANNEL_FAILED and detail in result.detail


async def test_redirect_loops_and_long_redirect_chains_are_cut(site: FormSite,
                                                               service: ContactFormOutreachService) -> None:
    site.redirect("GET", "/a", "/b", status=302)
    site.redirect("GET", "/b", "/a", status=302)
    for hop in range(10):
        site.redirect("GET", f"/hop{hop}", f"/hop{hop + 1}", status=301)
    loop = await send_to(service, site.url("/a"))
    chain = await send_to(service, site.url("/hop0"))
    assert "redirect loop at " + site.url("/a") in loop.detail
    assert "more than 5 redirects" in chain.detail
    assert len(site.requests_to("/hop6")) == 0


async def test_a_closed_port_is_a_transient_failure(service: ContactFormOutreachService) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = await send_to(service, f"http://127.0.0.1:{port}/contact")
    assert result.error_kind is ErrorKind.TRANSIENT and "connection failed" in result.detail


async def test_a_lead_without_form_url_website_or_domain_cannot_be_reached(
        service: ContactFormOutreachService) -> None:
    lead = make_lead()
    assert service.can_reach(lead) == "the lead has no contact-form URL, website or company domain"
    assert service.can_reach(make_lead(company_domain="acme.com")) is None
    result = await service.send(make_message(), lead)
    assert (result.status, result.error_kind) == (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED)


async def test_the_spam_filter_check_takes_a_url_or_a_parsed_page(
        site: FormSite, service: ContactFormOutreachService) -> None:
    site.page("/captcha", pages.RECAPTCHA)
    site.page("/plain", pages.PLAIN)
    assert await service.check_form_spam_filter(site.url("/captcha")) == "reCAPTCHA v2 on the form"
    assert await service.check_form_spam_filter(site.url("/plain")) is None
    assert await service.check_form_spam_filter(LexborHTMLParser(pages.JS_ONLY)) == (
        "JavaScript-only form (fields outside any <form>)")
    check = await service.verify_form(site.url("/plain"))
    assert check.ok and check.form is not None and check.form.action == site.url("/contact")
