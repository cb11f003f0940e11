"""Spot the fields a form sets as traps for bots: hidden from people, so a person leaves them empty."""

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from aicmo.cam.outreach.forms.vocab import HONEYPOT_LABEL_WORDS, HONEYPOT_NAMES, plain

_HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden"
    r"|(?:left|top|right|margin-left|text-indent)\s*:\s*-\s*\d{3,}(?:\.\d+)?\s*(?:px|em|rem|%|vw)?")
# People see a zero-size, transparent or clipped control only if something else draws it (custom checkboxes):
# treated as hiding for text fields only.
_TEXT_HIDING_STYLE = re.compile(
    r"opacity\s*:\s*0(?:\.0+)?\s*(?:;|$|!)|(?:^|;)\s*(?:height|width|max-height)\s*:\s*0(?:px)?\s*(?:;|$|!)")
_HIDING_CLASSES = frozenset({"hidden", "d-none", "hide", "is-hidden", "invisible", "honeypot", "hp", "hpot",
                             "ohnohoney", "hp-field", "honey", "form-honeypot", "js-hidden"})
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^[a-z]*([.#][\w-]+)$", re.IGNORECASE)


def hidden_selectors(tree: LexborHTMLParser) -> frozenset[str]:
    """The `.class` and `#id` selectors the page's own <style> blocks hide (display:none, off-screen…)."""
    found: set[str] = set()
    for style in tree.css("style"):
        for selectors, body in _CSS_RULE.findall(style.text()):
            if not _HIDING_STYLE.search(body.lower()):
                continue
            for selector in selectors.split(","):
                match = _SIMPLE_SELECTOR.match(selector.strip())
                if match:
                    found.add(match.group(1))
    return frozenset(found)


def _hides(node: LexborNode, hidden_css: frozenset[str], text_field: bool) -> bool:
    attrs = node.attributes
    style = (attrs.get("style") or "").lower()
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    if _HIDING_STYLE.search(style) or (text_field and _TEXT_HIDING_STYLE.search(style)):
        return True
    classes = set((attrs.get("class") or "").lower().split())
    if classes & _HIDING_CLASSES:
        return True
    ids = {f"#{attrs['id']}"} if attrs.get("id") else set()
    return bool(hidden_css & ({f".{c}" for c in classes} | ids))


def _hidden_from_people(node: LexborNode, hidden_css: frozenset[str], text_field: bool) -> bool:
    current: LexborNode | None = node
    while current is not None and current.tag not in ("form", "body", "html"):
        if _hides(current, hidden_css, text_field):
            return True
        current = current.parent
    return False


def is_honeypot(node: LexborNode, label: str, hidden_css: frozenset[str] = frozenset()) -> bool:
    """True for a visible-to-bots-only field; a required field never is (people could not send the form)."""
    attrs = node.attributes
    kind = (attrs.get("type") or "text").lower()
    if kind in ("hidden", "submit", "button", "image", "reset") or "required" in attrs:
        return False
    if (attrs.get("aria-required") or "").lower() == "true":
        return False
    names = (plain(attrs.get("name") or ""), plain(attrs.get("id") or ""))
    if any(name and HONEYPOT_NAMES.search(name) for name in names):
        return True
    if HONEYPOT_LABEL_WORDS.search(plain(" ".join((label, attrs.get("placeholder") or "")))):
        return True
    if attrs.get("tabindex") == "-1" and (attrs.get("autocomplete") or "").lower() in ("off", "nope", "new-password"):
        return True
    return _hidden_from_people(node, hidden_css, kind not in ("checkbox", "radio"))
