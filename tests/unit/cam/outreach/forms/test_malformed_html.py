"""Whatever bytes a website sends, reading its forms never raises: broken pages end as "no form", not a crash."""

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from aicmo.cam.outreach.forms.fetch import Page
from aicmo.cam.outreach.forms.find import best_contact_form, contact_links, read_forms
from aicmo.cam.outreach.forms.outcome import classify, signals
from aicmo.cam.outreach.forms.spam_filter import blocker, page_js_only_reason
from aicmo.cam.outreach.forms.submit import CannotFill, fill
from tests.integration.cam.outreach.forms.factories import SENDER

PIECES = ["<form", "<form method=post action='", "</form>", "<input name=", "<input type=", "email", "checkbox",
          "hidden", "<textarea name=m>", "</textarea>", "<select name=s required>", "<option value=", "</select>",
          "<label for=", "</label>", " required", " id=", "'", '"', ">", "<", "aria-labelledby='x y\"'",
          "<style>.a{display:none}", "</style>", "<script>grecaptcha", "</script>", "<a href='", "/kontakt",
          "javascript:", "Kontakt</a>", "<button>", "Nachricht", "Vorname", "\x00", "\ufffd", "é", "&amp;", "&#0;",
          "<!--", "-->", "<base href='http://[::1", "]/'>", "style='left:-9999px'", "tabindex=-1"]

soup = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=60).map("".join)


def check_reads_everything(page: Page) -> None:
    tree = page.tree()
    forms = read_forms(tree, page.url)
    form = best_contact_form(forms)
    assert form is None or form in forms
    contact_links(tree, page.url)
    blocker(tree, form.js_only if form else page_js_only_reason(tree))
    before = signals(tree)
    for each in forms:
        with contextlib.suppress(CannotFill):
            fill(each, SENDER, "Subject", "Body")
        outcome = classify(page, each, before)
        assert (outcome.sent, outcome.detail != "") == (outcome.kind is None, True), outcome  # a failure says why


@settings(max_examples=300, deadline=None)
@given(body=soup)
def test_tag_soup_never_breaks_the_form_reader(body: str) -> None:
    check_reads_everything(Page(url="https://acme.example/contact", status=200, content_type="text/html",
                         body=body.encode("utf-8", "surrogatepass")))


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=2000), charset=st.sampled_from([None, "utf-8", "latin-1", "no-such-charset"]))
def test_random_bytes_in_any_declared_charset_never_break_the_form_reader(body: bytes, charset: str | None) -> None:
    check_reads_everything(Page(url="https://acme.example/", status=200, content_type="text/html", charset=charset,
                         body=body))
