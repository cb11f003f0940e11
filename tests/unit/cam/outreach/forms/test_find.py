"""Choosing the contact form among a page's forms, and the link to the contact page."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from aicmo.cam.leads.values import domain_of
from aicmo.cam.outreach.forms.find import best_contact_form, contact_links, read_forms
from aicmo.cam.outreach.forms.model import MULTIPART, URLENCODED
from tests.integration.cam.outreach.forms import pages

PAGE = "https://www.acme.example/en/about"


def best(html: str, url: str = PAGE) -> str | None:
    form = best_contact_form(read_forms(LexborHTMLParser(html), url))
    return form.action if form else None


def test_the_contact_form_wins_over_search_and_newsletter_forms() -> None:
    assert best(pages.THREE_FORMS) == "https://www.acme.example/contact-submit"


@pytest.mark.parametrize("html", [
    '<form action="/search"><input type="search" name="q"><button>Go</button></form>',
    '<form action="/subscribe" class="newsletter"><input type="email" name="email"><button>Join</button></form>',
    '<form action="/login"><input name="user"><input type="password" name="pw"><textarea name="note"></textarea>'
    '<button>Log in</button></form>',
    "<p>No form here</p>",
])
def test_search_newsletter_and_login_forms_are_not_contact_forms(html: str) -> None:
    assert best(html) is None


def test_action_method_and_enctype_are_resolved_like_a_browser_does() -> None:
    html = ('<base href="https://cdn.acme.example/site/"><form method="POST" enctype="multipart/form-data" '
            'action="send.php#top"><input name="email" type="email"><textarea name="m"></textarea><button>Go</button>'
            '</form><form><input name="email" type="email"><textarea name="m"></textarea><button>Go</button></form>')
    first, second = read_forms(LexborHTMLParser(html), PAGE)
    assert (first.action, first.method, first.enctype) == ("https://cdn.acme.example/site/send.php", "POST", MULTIPART)
    assert (second.action, second.method, second.enctype) == ("https://cdn.acme.example/site/", "GET", URLENCODED)


def test_a_contact_link_is_found_by_its_address_or_its_text_on_the_same_site_only() -> None:
    tree = LexborHTMLParser(pages.HOME_LINKING_TO_KONTAKT)
    assert contact_links(tree, "https://acme.example/") == ["https://acme.example/kontakt"]


@pytest.mark.parametrize(("anchor", "found"), [
    ('<a href="/contact-us/">Contact us</a>', "https://www.acme.example/contact-us/"),
    ('<a href="/fr/nous-contacter">Nous contacter</a>', "https://www.acme.example/fr/nous-contacter"),
    ('<a href="/page?id=7">Contacto</a>', "https://www.acme.example/page?id=7"),
    ('<a href="/it/contatti">Contatti</a>', "https://www.acme.example/it/contatti"),
    ('<a href="https://shop.acme.example/kontakt">Kontakt</a>', "https://shop.acme.example/kontakt"),
    ('<a href="mailto:hi@acme.example">Contact</a>', None),
    ('<a href="https://other.example/contact">Contact</a>', None),
])
def test_contact_links_in_several_languages(anchor: str, found: str | None) -> None:
    links = contact_links(LexborHTMLParser(f"<nav><a href='/'>Home</a>{anchor}</nav>"), PAGE)
    assert (links[0] if links else None) == found


@pytest.mark.parametrize(("url", "domain"), [
    ("https://www.acme.co.uk/contact", "acme.co.uk"),
    ("http://127.0.0.1:8080/x", "127.0.0.1"),
    ("http://localhost/x", "localhost"),
    ("http://[::1]:8000/x", "::1"),
    ("https://forms.intranet.example/x", "intranet.example"),
])
def test_the_domain_recorded_is_the_forms_registrable_domain(url: str, domain: str) -> None:
    assert domain_of(url) == domain
