"""Recognise what keeps a machine from sending a form: CAPTCHAs, and forms that only JavaScript can send.

Such a form is never submitted by the channel; it is offered to the operator to fill in by hand.
"""

from selectolax.lexbor import LexborHTMLParser, LexborNode

from aicmo.cam.outreach.forms.model import FormField, Role

# Script addresses and markup of the CAPTCHA services, and what to call each.
_CAPTCHA_SCRIPTS = (
    ("challenges.cloudflare.com", "Cloudflare Turnstile"), ("hcaptcha.com", "hCaptcha"),
    ("friendlycaptcha", "Friendly Captcha"), ("recaptcha", "reCAPTCHA"),
)
_CAPTCHA_MARKUP = (
    (".cf-turnstile, [name='cf-turnstile-response']", "Cloudflare Turnstile"),
    (".h-captcha, [name='h-captcha-response']", "hCaptcha"),
    (".g-recaptcha, [name='g-recaptcha-response'], .grecaptcha-badge", "reCAPTCHA v2"),
    (".frc-captcha", "Friendly Captcha"),
)
_CAPTCHA_INLINE = (("turnstile.render", "Cloudflare Turnstile"), ("hcaptcha.render", "hCaptcha"),
                   ("grecaptcha.execute", "reCAPTCHA v3"), ("grecaptcha", "reCAPTCHA"))
# Hosts of JavaScript form builders: where their script or iframe is, the form is built and sent by it.
_BUILDERS = (
    ("hsforms", "HubSpot"), ("typeform.com", "Typeform"), ("jotform", "Jotform"),
    ("formstack", "Formstack"), ("tally.so", "Tally"), ("paperform", "Paperform"), ("cognitoforms", "Cognito Forms"),
    ("zohopublic", "Zoho Forms"), ("mktoforms", "Marketo"), ("marketo.com/js/forms", "Marketo"), ("wufoo", "Wufoo"),
    ("123formbuilder", "123FormBuilder"), ("docs.google.com/forms", "Google Forms"), ("pipedrive", "Pipedrive"),
    ("form.io", "Form.io"), ("go.pardot.com", "Pardot"),
)
# Classes and attributes builders put on <form> elements they submit themselves.
_BUILDER_CLASSES = (("hs-form", "HubSpot"), ("hbspt-form", "HubSpot"), ("mktoform", "Marketo"),
                    ("elementor-form", "Elementor"), ("wf-form", "Webflow"), ("ff-el-form", "Fluent Forms"))
_BUILDER_ATTRIBUTES = (("data-hs-", "HubSpot"), ("data-wf-", "Webflow"), ("data-elementor", "Elementor"),
                       ("data-formkit", "FormKit"), ("data-ajax-form", "an AJAX script"))


def _recaptcha_version(src: str) -> str:
    if "render=" in src and "render=explicit" not in src:
        return "reCAPTCHA v3"
    return "reCAPTCHA v2" if "api.js" in src or "api2" in src else "reCAPTCHA"


def captcha(tree: LexborHTMLParser) -> str | None:
    """The CAPTCHA service the page uses (reCAPTCHA v2/v3, hCaptcha, Turnstile…), or None."""
    for selector, name in _CAPTCHA_MARKUP:
        if tree.css_first(selector) is not None:
            return name
    for script in tree.css("script"):
        src = (script.attributes.get("src") or "").lower()
        for marker, name in _CAPTCHA_SCRIPTS:
            if marker in src:
                return _recaptcha_version(src) if name == "reCAPTCHA" else name
        body = "" if src else script.text()
        for marker, name in _CAPTCHA_INLINE:
            if marker in body:
                return name
    field = tree.css_first("input[name*='captcha' i], img[src*='captcha' i]")
    return "an image CAPTCHA" if field is not None else None


def _builder(node: LexborNode) -> str | None:
    attrs = node.attributes
    classes = (attrs.get("class") or "").lower()
    for marker, name in _BUILDER_CLASSES:
        if marker in classes:
            return name
    for attribute in attrs:
        for prefix, name in _BUILDER_ATTRIBUTES:
            if attribute.lower().startswith(prefix):
                return name
    return None


def js_only_reason(node: LexborNode, fields: tuple[FormField, ...]) -> str | None:
    """Why only JavaScript can send this <form>, or None when a plain HTTP submission works."""
    attrs = node.attributes
    builder = _builder(node)
    if builder:
        return f"JavaScript-only form (sent by {builder})"
    if (attrs.get("action") or "").strip().lower().startswith("javascript:"):
        return "JavaScript-only form (its action is a script)"
    handler = (attrs.get("onsubmit") or "").replace(" ", "").lower()
    if "returnfalse" in handler or "preventdefault" in handler:
        return "JavaScript-only form (its onsubmit handler stops a normal submission)"
    if not any(f.role is Role.SUBMIT for f in fields):
        return "JavaScript-only form (no submit button: a script sends it)"
    return None


def page_js_only_reason(tree: LexborHTMLParser) -> str | None:
    """Why a page without a usable <form> still has a form: a builder's script or iframe, or loose fields."""
    for node in tree.css("script[src], iframe[src]"):
        src = (node.attributes.get("src") or "").lower()
        for marker, name in _BUILDERS:
            if marker in src:
                return f"JavaScript-only form (built by {name})"
    for script in tree.css("script:not([src])"):
        body = script.text()
        if "hbspt.forms.create" in body or "MktoForms2" in body:
            return "JavaScript-only form (built by " + ("HubSpot" if "hbspt" in body else "Marketo") + ")"
    loose = [n for n in tree.css("textarea, input[type='email']") if not _inside_form(n)]
    return "JavaScript-only form (fields outside any <form>)" if loose else None


def _inside_form(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == "form":
            return True
        parent = parent.parent
    return "form" in node.attributes


def blocker(tree: LexborHTMLParser, js_only: str | None = None) -> str | None:
    """Why the page's form must not be sent by a machine: a CAPTCHA or a JavaScript-only form; None if it can."""
    found = captcha(tree)
    return f"{found} on the form" if found else js_only
