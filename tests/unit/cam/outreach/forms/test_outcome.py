"""Reading the answer to a submitted form: confirmations in several languages, errors, status codes."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from aicmo.cam.outreach.domain import ErrorKind
from aicmo.cam.outreach.forms.fetch import Page
from aicmo.cam.outreach.forms.find import read_forms
from aicmo.cam.outreach.forms.outcome import Outcome, classify, signals
from tests.integration.cam.outreach.forms import pages

FORM_PAGE = pages.PLAIN
FORM = read_forms(LexborHTMLParser(FORM_PAGE), "https://acme.example/contact")[0]
BEFORE = signals(LexborHTMLParser(FORM_PAGE))


def answer(body: str, status: int = 200, content_type: str = "text/html") -> Outcome:
    page = Page(url="https://acme.example/contact", status=status, content_type=content_type, body=body.encode())
    return classify(page, FORM, BEFORE)


@pytest.mark.parametrize("body", [
    "<h1>Thank you!</h1>", "<p>Thanks, we'll be in touch.</p>", "<p>Your message has been sent.</p>",
    "<p>Vielen Dank für Ihre Nachricht.</p>", "<div>Ihre Nachricht wurde erfolgreich versendet.</div>",
    "<p>Merci, votre message a bien été envoyé.</p>", "<p>¡Gracias! Mensaje enviado.</p>",
    "<p>Grazie, il messaggio è stato inviato.</p>", "<p>Bedankt voor uw bericht.</p>",
    "<p>Obrigado pelo contacto.</p>", '<div class="alert alert-success">Done.</div>',
    '{"success": true, "message": "Thanks!"}',
])
def test_a_confirmation_in_any_language_means_sent(body: str) -> None:
    outcome = answer(body)
    assert outcome.sent is True, outcome.detail
    assert outcome.detail.startswith("confirmed: ")


def test_the_form_again_with_error_messages_is_a_failure_listing_them() -> None:
    outcome = answer(pages.FORM_WITH_ERRORS)
    assert (outcome.sent, outcome.kind) == (False, ErrorKind.CHANNEL_FAILED)
    assert "This email address is invalid." in outcome.detail and "email is invalid" in outcome.detail


def test_the_form_again_without_any_message_is_a_failure() -> None:
    outcome = answer(FORM_PAGE)
    assert (outcome.sent, outcome.kind) == (False, ErrorKind.CHANNEL_FAILED)
    assert "came back" in outcome.detail


def test_error_texts_the_form_page_already_had_are_not_taken_for_new_errors() -> None:
    page = FORM_PAGE.replace("</form>", '<div class="invalid-feedback">Please enter a valid email.</div></form>')
    form = read_forms(LexborHTMLParser(page), "https://acme.example/contact")[0]
    before = signals(LexborHTMLParser(page))
    thanked = Page(url="https://acme.example/contact", status=200, content_type="text/html",
                   body=page.replace("<h1>Contact us</h1>", "<h1>Thank you!</h1>").encode())
    assert classify(thanked, form, before).sent is True


@pytest.mark.parametrize(("status", "kind"), [
    (500, ErrorKind.TRANSIENT), (503, ErrorKind.TRANSIENT), (429, ErrorKind.TRANSIENT),
    (400, ErrorKind.CHANNEL_FAILED), (403, ErrorKind.CHANNEL_FAILED), (422, ErrorKind.CHANNEL_FAILED),
])
def test_http_error_statuses_decide_the_outcome(status: int, kind: ErrorKind) -> None:
    outcome = answer("<p>Thank you</p>", status=status)
    assert (outcome.sent, outcome.kind) == (False, kind)
    assert f"HTTP {status}" in outcome.detail


def test_an_answer_without_form_or_confirmation_counts_as_sent_and_says_so() -> None:
    outcome = answer("<h1>Welcome</h1>")
    assert outcome.sent and "no confirmation" in outcome.detail
