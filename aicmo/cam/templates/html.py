"""A step's optional HTML part: written as HTML or as Markdown, rendered in the same sandbox as the text, and
holding the same links as the text part.

Markdown goes through markdown-it-py (CommonMark, maintained by the Executable Books project, already installed
with rich) in its "js-default" preset: raw HTML inside Markdown is shown as text, not passed through, so a step
that wants its own markup writes an HTML template instead. Jinja runs first with HTML escaping, so a lead's
values can never add markup; Markdown then turns the text into HTML.
"""

import re
from collections.abc import Mapping
from typing import Any

from markdown_it import MarkdownIt
from selectolax.lexbor import LexborHTMLParser

from aicmo.cam.templates.render import RenderLimits, TemplateProblem, render_html

_MARKDOWN = MarkdownIt("js-default")
# A link in plain text ends at white space or at what usually closes it in prose.
_TEXT_LINK = re.compile(r"https?://[^\s<>\"'()\[\]]+")
_TRAILING = ".,;:!?"


def markdown_to_html(text: str) -> str:
    return str(_MARKDOWN.render(text))


def render_part(html: str | None, markdown: str | None, context: Mapping[str, Any], *, seed: str,
                limits: RenderLimits) -> str | None:
    """The HTML part for this lead, from an HTML or a Markdown template; None when the step has neither."""
    if html is not None:
        return render_html(html, context, seed=seed, limits=limits)
    if markdown is not None:
        return markdown_to_html(render_html(markdown, context, seed=seed, limits=limits))
    return None


def text_links(text: str) -> set[str]:
    return {match.group().rstrip(_TRAILING) for match in _TEXT_LINK.finditer(text)}


def html_links(html: str) -> set[str]:
    """The web links of an HTML part (hrefs, as a reader clicks them)."""
    hrefs = (node.attributes.get("href") or "" for node in LexborHTMLParser(html).css("a[href]"))
    return {href.strip() for href in hrefs if href.strip().lower().startswith(("http://", "https://"))}


def link_problems(text: str, html: str, *, literal_only: bool = False) -> list[str]:
    """Links one part has and the other lacks: a reader of either must be able to follow every one.

    With `literal_only` (templates before rendering), links with a template field inside are left to the check
    of the rendered parts.
    """
    in_text, in_html = text_links(text), html_links(html)
    if literal_only:
        in_text, in_html = {x for x in in_text if "{" not in x}, {x for x in in_html if "{" not in x}
    return ([f"the HTML part lacks the link {link}" for link in sorted(in_text - in_html)]
            + [f"the text part lacks the link {link}" for link in sorted(in_html - in_text)])


def check_links(text: str, html: str) -> None:
    """TemplateProblem naming the links the two rendered parts do not share."""
    problems = link_problems(text, html)
    if problems:
        raise TemplateProblem("; ".join(problems), part="html")


def literal_link_problems(text: str, html: str | None, markdown: str | None) -> list[str]:
    """At save time: the links written out in full (no template field inside) that the parts do not share."""
    source = html if html is not None else markdown_to_html(markdown) if markdown is not None else None
    return [] if source is None else link_problems(text, source, literal_only=True)
