"""CAPTCHAs and JavaScript-only forms: recognised, so the form goes to a person instead."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from aicmo.cam.outreach.forms.find import read_forms
from aicmo.cam.outreach.forms.spam_filter import captcha, page_js_only_reason

FORM = '<form method="post"><input name="email" type="email"><textarea name="m"></textarea>{extra}</form>'


@pytest.mark.parametrize(("html", "found"), [
    ('<script src="https://www.google.com/recaptcha/api.js" async></script>', "reCAPTCHA v2"),
    ('<script src="https://www.google.com/recaptcha/api.js?render=6LcKEY"></script>', "reCAPTCHA v3"),
    ('<script src="https://www.recaptcha.net/recaptcha/enterprise.js?render=explicit"></script>', "reCAPTCHA"),
    ('<div class="g-recaptcha" data-sitekey="k"></div>', "reCAPTCHA v2"),
    ("<script>grecaptcha.ready(function(){grecaptcha.execute('k',{action:'contact'})})</script>", "reCAPTCHA v3"),
    ('<script src="https://js.hcaptcha.com/1/api.js"></script>', "hCaptcha"),
    ('<div class="h-captcha" data-sitekey="k"></div>', "hCaptcha"),
    ('<div class="cf-turnstile" data-sitekey="k"></div>', "Cloudflare Turnstile"),
    ('<script src="https://challenges.cloudflare.com/turnstile/v0/api.js"></script>', "Cloudflare Turnstile"),
    ('<img src="/captcha.php"><input name="captcha_code">', "an image CAPTCHA"),
    ('<script src="/js/app.js"></script><script>console.log("hi")</script>', None),
])
def test_captchas_are_recognised(html: str, found: str | None) -> None:
    assert captcha(LexborHTMLParser(FORM.format(extra=html))) == found


@pytest.mark.parametrize(("form", "reason"), [
    ('<form onsubmit="send(); return false;"><input name="email"><textarea name="m"></textarea><button>Go</button>'
     "</form>", "onsubmit"),
    ('<form action="javascript:void(0)"><input name="email"><textarea name="m"></textarea><button>Go</button></form>',
     "action is a script"),
    ('<form><input name="email"><textarea name="m"></textarea><button type="button" onclick="go()">Go</button>'
     "</form>", "no submit button"),
    ('<form class="hs-form stacked" data-hs-cf-bound="true"><input name="email"><textarea name="m"></textarea>'
     '<input type="submit"></form>', "HubSpot"),
    ('<form class="elementor-form" method="post"><input name="email"><textarea name="m"></textarea>'
     "<button>Go</button></form>", "Elementor"),
    ('<form data-wf-page-id="x" data-name="Contact"><input name="email"><textarea name="m"></textarea>'
     '<input type="submit"></form>', "Webflow"),
])
def test_forms_only_javascript_can_send_are_recognised(form: str, reason: str) -> None:
    (read,) = read_forms(LexborHTMLParser(form), "https://acme.example/")
    assert read.js_only is not None and reason in read.js_only


def test_a_plain_form_can_be_sent_without_javascript() -> None:
    (read,) = read_forms(LexborHTMLParser(FORM.format(extra="<button>Send</button>")), "https://acme.example/")
    assert read.js_only is None


@pytest.mark.parametrize(("html", "reason"), [
    ('<div id="f"></div><script src="//js.hsforms.net/forms/embed/v2.js"></script>'
     "<script>hbspt.forms.create({portalId: '1'})</script>", "HubSpot"),
    ('<iframe src="https://form.jotform.com/12345"></iframe>', "Jotform"),
    ('<div data-tf-live="x"></div><script src="//embed.typeform.com/next/embed.js"></script>', "Typeform"),
    ('<div><input type="email" id="e"><textarea id="m"></textarea><button onclick="send()">Send</button></div>',
     "outside any <form>"),
])
def test_pages_whose_form_a_script_builds_are_recognised(html: str, reason: str) -> None:
    found = page_js_only_reason(LexborHTMLParser(html))
    assert found is not None and reason in found


def test_a_page_without_any_form_is_not_called_javascript_only() -> None:
    assert page_js_only_reason(LexborHTMLParser("<h1>About us</h1><script src='/app.js'></script>")) is None
