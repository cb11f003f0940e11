"""Find the form to send on a site: the given page, or the contact page it links to (one hop)."""

from dataclasses import dataclass, field

import httpx
from selectolax.lexbor import LexborHTMLParser

from aicmo.cam.outreach.domain import ErrorKind
from aicmo.cam.outreach.forms.fetch import FetchFailed, Limits, Page, fetch
from aicmo.cam.outreach.forms.find import best_contact_form, contact_links, read_forms
from aicmo.cam.outreach.forms.model import ContactForm, PageSignals
from aicmo.cam.outreach.forms.outcome import signals
from aicmo.cam.outreach.forms.spam_filter import blocker, page_js_only_reason
from aicmo.net.ssrf import AddressPolicy


@dataclass
class FormCheck:
    """What verifying a URL found: a form ready to send, or why there is none (and whether a person could)."""

    url: str  # the page the form is on, or the last page looked at
    form: ContactForm | None = None
    problem: str | None = None
    error_kind: ErrorKind | None = None
    # True when a person can still send it by hand (CAPTCHA, JavaScript-only form, a field we cannot fill).
    manual: bool = False
    response_code: int | None = None
    before: PageSignals = field(default_factory=PageSignals)
    cookies: httpx.Cookies = field(default_factory=httpx.Cookies, repr=False)

    @property
    def ok(self) -> bool:
        return self.form is not None and self.problem is None


def page_problem(page: Page) -> FormCheck | None:
    """A check that ends at this page: an HTTP error status or a body that is not HTML."""
    if page.status == 429 or page.status >= 500:
        return FormCheck(page.url, problem=f"HTTP {page.status} at {page.url}: retry later",
                         error_kind=ErrorKind.TRANSIENT, response_code=page.status)
    if page.status >= 300:
        return FormCheck(page.url, problem=f"HTTP {page.status} at {page.url}", error_kind=ErrorKind.CHANNEL_FAILED,
                         response_code=page.status)
    if not page.is_html():
        return FormCheck(page.url, problem=f"not an HTML page ({page.content_type or 'unknown content type'})",
                         error_kind=ErrorKind.CHANNEL_FAILED, response_code=page.status)
    return None


def examine(tree: LexborHTMLParser, url: str, cookies: httpx.Cookies, status: int = 200) -> FormCheck:
    """The page's contact form, ready to send or blocked (CAPTCHA, JavaScript-only); no form: `form` is None."""
    form = best_contact_form(read_forms(tree, url))
    if form is None:
        return FormCheck(url, cookies=cookies, response_code=status)
    reason = blocker(tree, form.js_only)
    if reason:
        return FormCheck(url, form=form, problem=reason, error_kind=ErrorKind.CHANNEL_FAILED, manual=True,
                         response_code=status)
    return FormCheck(url, form=form, response_code=status, before=signals(tree), cookies=cookies)


async def _check_page(client: httpx.AsyncClient, url: str, policy: AddressPolicy,
                      limits: Limits) -> tuple[FormCheck, LexborHTMLParser | None]:
    cookies = httpx.Cookies()
    try:
        page = await fetch(client, url, policy, limits, cookies=cookies)
    except FetchFailed as exc:
        return FormCheck(url, problem=exc.detail, error_kind=exc.kind, response_code=exc.status), None
    problem = page_problem(page)
    if problem is not None:
        return problem, None
    tree = page.tree()
    return examine(tree, page.url, cookies, page.status), tree


def _no_form(url: str, trees: list[LexborHTMLParser]) -> FormCheck:
    for tree in trees:
        reason = page_js_only_reason(tree)
        if reason:
            return FormCheck(url, problem=reason, error_kind=ErrorKind.CHANNEL_FAILED, manual=True)
    return FormCheck(url, problem="no contact form found on the page or on the contact page it links to",
                     error_kind=ErrorKind.CHANNEL_FAILED)


async def verify(client: httpx.AsyncClient, url: str, policy: AddressPolicy, limits: Limits) -> FormCheck:
    """Fetch the page and find its contact form; without one, follow the page's contact link once."""
    check, tree = await _check_page(client, url, policy, limits)
    if tree is None or check.form is not None:
        return check
    links = contact_links(tree, check.url)
    if not links:
        return _no_form(check.url, [tree])
    linked, linked_tree = await _check_page(client, links[0], policy, limits)
    if linked_tree is None or linked.form is not None:
        return linked
    return _no_form(linked.url, [linked_tree, tree])
