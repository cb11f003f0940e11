"""Find the contact form on a page (not the search box, not the newsletter sign-up), or the link to it."""

from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from aicmo.cam.leads.values import domain_of
from aicmo.cam.outreach.forms.fields import labels_by_id, read_fields
from aicmo.cam.outreach.forms.honeypot import hidden_selectors
from aicmo.cam.outreach.forms.model import MULTIPART, URLENCODED, ContactForm, FormField, Role
from aicmo.cam.outreach.forms.spam_filter import js_only_reason
from aicmo.cam.outreach.forms.vocab import (
    CONTACT_FORM_WORDS,
    CONTACT_LINK_WORDS,
    LOGIN_WORDS,
    NEWSLETTER_WORDS,
    SEARCH_WORDS,
    plain,
)

_PERSON = (Role.FULL_NAME, Role.FIRST_NAME, Role.LAST_NAME)
_FILLABLE = (*_PERSON, Role.EMAIL, Role.COMPANY, Role.PHONE, Role.WEBSITE, Role.SUBJECT, Role.MESSAGE, Role.OTHER)


def join(base: str, href: str) -> str | None:
    """The absolute URL of a link, without its fragment; None when the link cannot be parsed."""
    try:
        return urldefrag(urljoin(base, href.strip()))[0]
    except ValueError:  # "http://[::1" and other broken addresses
        return None


def base_url(tree: LexborHTMLParser, page_url: str) -> str:
    base = tree.css_first("base[href]")
    href = (base.attributes.get("href") or "") if base is not None else ""
    return (join(page_url, href) or page_url) if href.strip() else page_url


def _words_around(node: LexborNode) -> str:
    attrs = node.attributes
    own = " ".join(attrs.get(a) or "" for a in ("action", "id", "class", "name", "aria-label", "role"))
    heading = node.css_first("h1, h2, h3, h4, legend")
    return plain(own + " " + (heading.text() if heading is not None else ""))


def score(node: LexborNode, fields: tuple[FormField, ...]) -> int:
    """How much a form looks like a contact form: a message box, an email and a name, and what it calls itself."""
    roles = [f.role for f in fields]
    points = 10 if Role.MESSAGE in roles else 0
    points += 4 if Role.EMAIL in roles else 0
    points += 3 if any(r in roles for r in _PERSON) else 0
    points += sum(1 for r in (Role.SUBJECT, Role.PHONE, Role.COMPANY) if r in roles)
    words = _words_around(node)
    points += 3 if CONTACT_FORM_WORDS.search(words) else 0
    points -= 8 if NEWSLETTER_WORDS.search(words) else 0
    points -= 10 if SEARCH_WORDS.search(words) or Role.SEARCH in roles else 0
    points -= 15 if LOGIN_WORDS.search(words) or Role.PASSWORD in roles else 0
    fillable = [r for r in roles if r in _FILLABLE]
    points -= 8 if fillable == [Role.EMAIL] else 0
    return points


def _method(node: LexborNode) -> str:
    method = (node.attributes.get("method") or "get").strip().upper()
    return method if method in ("GET", "POST") else "GET"


def read_form(node: LexborNode, tree: LexborHTMLParser, page_url: str, hidden_css: frozenset[str],
              by_id: dict[str, str]) -> ContactForm:
    attrs = node.attributes
    fields = read_fields(node, tree, hidden_css, by_id)
    raw = attrs.get("action") or ""
    action = join(base_url(tree, page_url), raw) or raw  # an unparseable action fails when it is fetched
    enctype = MULTIPART if (attrs.get("enctype") or "").strip().lower() == MULTIPART else URLENCODED
    return ContactForm(action=action, method=_method(node), enctype=enctype, fields=fields,
                       score=score(node, fields), js_only=js_only_reason(node, fields))


def read_forms(tree: LexborHTMLParser, page_url: str) -> list[ContactForm]:
    """Every <form> of the page, read."""
    hidden_css = hidden_selectors(tree)
    by_id = labels_by_id(tree)
    return [read_form(node, tree, page_url, hidden_css, by_id) for node in tree.css("form")]


def is_contact_form(form: ContactForm) -> bool:
    return Role.MESSAGE in form.roles() and Role.PASSWORD not in form.roles() and form.score > 0


def best_contact_form(forms: list[ContactForm]) -> ContactForm | None:
    """The best-scoring form with a message field, or None if the page has no contact form."""
    candidates = [f for f in forms if is_contact_form(f)]
    return max(candidates, key=lambda f: f.score) if candidates else None


def _link_score(href: str, text: str) -> int:
    path = plain(urlsplit(href).path)
    words = plain(text)
    points = (3 if CONTACT_LINK_WORDS.search(path) else 0) + (2 if CONTACT_LINK_WORDS.search(words) else 0)
    return points * 10 - path.count(" ") if points else 0


def contact_links(tree: LexborHTMLParser, page_url: str) -> list[str]:
    """Links on this site whose address or text says "contact" in some language, best first."""
    base = base_url(tree, page_url)
    site = domain_of(page_url)
    here = urldefrag(page_url)[0]
    ranked: dict[str, int] = {}
    for anchor in tree.css("a[href]"):
        raw = (anchor.attributes.get("href") or "").strip()
        if not raw or raw.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        href = join(base, raw)
        if href is None or not href.startswith(("http://", "https://")) or href == here or domain_of(href) != site:
            continue
        points = _link_score(href, anchor.text() + " " + (anchor.attributes.get("title") or ""))
        if points > 0:
            ranked[href] = max(points, ranked.get(href, 0))
    return sorted(ranked, key=lambda h: -ranked[h])
