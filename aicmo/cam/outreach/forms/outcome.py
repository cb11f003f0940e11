"""Read the site's answer to a submitted form: a thank-you, the form again with errors, or a server problem."""

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from aicmo.cam.outreach.domain import ErrorKind
from aicmo.cam.outreach.forms.fetch import Page
from aicmo.cam.outreach.forms.model import ContactForm, PageSignals, Role
from aicmo.cam.outreach.forms.vocab import SUCCESS_WORDS, plain

_ERROR_SELECTOR = ("[class*='error' i], [class*='invalid' i], [class*='alert-danger'], [class*='not-valid'], "
                   "[class*='fehler' i], [role='alert'], .help-block, [id*='error' i]")
_SUCCESS_SELECTOR = "[class*='success' i], [class*='sent-ok'], [class*='thank' i], [id*='success' i]"
_INVISIBLE = ["script", "style", "noscript", "template"]
_MAX_SHOWN = 5


@dataclass(frozen=True)
class Outcome:
    sent: bool
    detail: str
    kind: ErrorKind | None = None


def _squash(text: str) -> str:
    return " ".join(text.split())


def _visible(tree: LexborHTMLParser) -> LexborHTMLParser:
    copy = tree.clone()
    copy.strip_tags(_INVISIBLE, recursive=True)
    return copy


def error_texts(tree: LexborHTMLParser) -> frozenset[str]:
    """Error messages shown on the page: text of error/invalid/alert elements, and fields marked invalid."""
    found: set[str] = set()
    for node in _visible(tree).css(_ERROR_SELECTOR):
        if node.tag in ("input", "textarea", "select", "form", "body", "html"):
            continue
        text = _squash(node.text(separator=" "))
        if 0 < len(text) <= 300:
            found.add(text)
    for node in tree.css("[aria-invalid='true']"):
        found.add(f"{node.attributes.get('name') or node.attributes.get('id') or 'a field'} is invalid")
    return frozenset(found)


def success_texts(tree: LexborHTMLParser) -> frozenset[str]:
    """Confirmations shown on the page: thank-you phrases in any language, and success-styled messages."""
    visible = _visible(tree)
    body = visible.body
    words = plain(body.text(separator=" ") if body is not None else "")
    found = {m.group(0) for m in SUCCESS_WORDS.finditer(words)}
    for node in visible.css(_SUCCESS_SELECTOR):
        text = _squash(node.text(separator=" "))
        if 0 < len(text) <= 300 and node.tag not in ("body", "html", "form"):
            found.add(text)
    return frozenset(found)


def signals(tree: LexborHTMLParser) -> PageSignals:
    """What a page shows before anything is submitted, to tell later what the submission changed."""
    return PageSignals(errors=error_texts(tree), successes=success_texts(tree))


def form_came_back(tree: LexborHTMLParser, form: ContactForm) -> bool:
    """True when the answer holds the same form again: its message field and its email field by name."""
    names = {n.attributes.get("name") for n in tree.css("form input, form textarea, form select")}
    wanted = {f.name for f in form.fields if f.role in (Role.MESSAGE, Role.EMAIL) and f.name}
    return bool(wanted) and wanted <= names


def same_page(a: str, b: str) -> bool:
    return a.split("#", 1)[0].rstrip("/") == b.split("#", 1)[0].rstrip("/")


def _listed(texts: frozenset[str]) -> str:
    return "; ".join(sorted(texts)[:_MAX_SHOWN])


def status_outcome(page: Page) -> Outcome | None:
    """The outcome an HTTP error status decides on its own: 429 and 5xx retry later, other 4xx do not."""
    if page.status == 429:
        return Outcome(False, "HTTP 429 too many requests: retry later", ErrorKind.TRANSIENT)
    if page.status >= 500:
        return Outcome(False, f"HTTP {page.status} server error: retry later", ErrorKind.TRANSIENT)
    if page.status >= 400:
        errors = error_texts(page.tree())
        shown = f": {_listed(errors)}" if errors else ""
        return Outcome(False, f"HTTP {page.status} refused the submission{shown}", ErrorKind.CHANNEL_FAILED)
    return None


def classify(page: Page, form: ContactForm, before: PageSignals, *, after_redirect: bool = False) -> Outcome:
    """Sent or not, from the answer to the POST (or the page a POST redirected back to)."""
    decided = status_outcome(page)
    if decided is not None:
        return decided
    tree = page.tree()
    errors = error_texts(tree) - before.errors
    successes = success_texts(tree) - before.successes
    back = form_came_back(tree, form)
    if errors and (back or not successes):
        return Outcome(False, f"the form came back with errors: {_listed(errors)}", ErrorKind.CHANNEL_FAILED)
    if successes:
        return Outcome(True, f"confirmed: {_listed(successes)}")
    if after_redirect:
        return Outcome(True, "redirected back to the form page after the POST (no confirmation shown)")
    if back:
        return Outcome(False, "the form came back without errors or a confirmation", ErrorKind.CHANNEL_FAILED)
    return Outcome(True, f"submitted (HTTP {page.status}); no confirmation text recognised")
