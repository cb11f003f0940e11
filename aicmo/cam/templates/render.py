"""Render a user's message template for one lead: spintax first, then Jinja in a sandbox.

Templates are untrusted: they run in Jinja's immutable sandbox (no private attributes, no mutation, no
unsafe calls), within bounds of time, loop steps and size checked while they run (sandbox.py, bounds.py).
A name the template uses must exist (StrictUndefined) and must not be empty: None, "" or blanks become
`Missing`, which fails when printed but which the `default` filter (alias `or_else`) replaces.
`{% if first_name %}` and `first_name or "x"` treat a missing value as false. Every failure is a
`TemplateProblem` naming the field where it can.
"""

import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Template, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError

from aicmo.cam.templates.bounds import LimitExceeded, RenderLimits, bounded, check_time
from aicmo.cam.templates.context import CONTEXT_NAMES, LEAD_FIELDS, SENDER_FIELDS
from aicmo.cam.templates.sandbox import BoundedSandbox
from aicmo.cam.templates.spintax import expand_all, spin, spintax_problems
from aicmo.cam.templates.values import FieldFailure, Missing, StrictField, is_empty, wrap
from aicmo.errors import AicmoError
from aicmo.settings import Settings

__all__ = ["Missing", "RenderLimits", "RenderedMessage", "TemplateLimitExceeded", "TemplateProblem", "check_template",
           "render_html", "render_message", "render_template"]


class TemplateProblem(AicmoError):
    """A template that cannot be rendered for this lead: a syntax error, an unknown or empty field, a refusal."""

    def __init__(self, message: str, *, field: str | None = None, line: int | None = None,
                 part: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.line = line
        self.part = part


class TemplateLimitExceeded(TemplateProblem):
    """A template that went past its bound of time, loop steps or output while rendering: wrong for every lead."""


def _filter_default(value: Any, default_value: Any = "", boolean: bool = False) -> Any:
    """Jinja's `default`, except that None, "" and blanks are missing too."""
    if is_empty(value) or (boolean and not value):
        return default_value
    return value


def _filter_first_word(value: Any) -> str:
    words = str(value).split()
    return words[0].rstrip(",;:") if words else ""


def _title_word(word: str) -> str:
    if any(char.isupper() for char in word[1:]) and not word.isupper():
        return word  # McDonald, iPhone: written that way on purpose
    parts = word.lower().split("-")
    titled = []
    for part in parts:
        head, apostrophe, tail = part.partition("'")
        if apostrophe and len(head) == 1 and tail:  # o'neil, d'angelo
            titled.append(head.upper() + "'" + tail[:1].upper() + tail[1:])
        else:
            titled.append(part[:1].upper() + part[1:])
    return "-".join(titled)


def _filter_title_case(value: Any) -> str:
    """Capitalise each word, keeping mixed-case words and after-apostrophe capitals (O'Neil)."""
    return " ".join(_title_word(word) for word in str(value).split(" "))


def _environment(html: bool) -> BoundedSandbox:
    env = BoundedSandbox(autoescape=html, undefined=StrictField, trim_blocks=True, lstrip_blocks=True,
                   keep_trailing_newline=False)
    env.filters.update(default=_filter_default, d=_filter_default, or_else=_filter_default,
                       first_word=_filter_first_word, title_case=_filter_title_case)
    return env


_TEXT = _environment(html=False)
_HTML = _environment(html=True)
_GLOBALS = frozenset(_TEXT.globals)


@lru_cache(maxsize=1024)
def _compile(source: str, html: bool) -> Template:
    return (_HTML if html else _TEXT).from_string(source)


def _syntax_problem(exc: TemplateSyntaxError, part: str) -> TemplateProblem:
    return TemplateProblem(f"syntax error in {part} template, line {exc.lineno}: {exc.message}",
                           line=exc.lineno, part=part)


def configured_limits(settings: Settings) -> RenderLimits:
    """The bounds AICMO_TEMPLATE_* set on one rendering."""
    return RenderLimits(seconds=settings.template_render_seconds, steps=settings.template_max_steps,
                        chars=settings.template_max_chars)


def _run(template: Template, context: dict[str, Any], limits: RenderLimits) -> str:
    out: list[str] = []
    size = 0
    with bounded(limits) as budget:
        for chunk in template.generate(context):
            size += len(chunk)
            if size > limits.chars:
                raise LimitExceeded(f"output longer than {limits.chars} characters")
            check_time(budget)
            out.append(chunk)
    return "".join(out)


def render_template(source: str, context: Mapping[str, Any], *, html: bool = False, part: str = "body",
                    limits: RenderLimits) -> str:
    """Jinja only (no spintax): the rendered text, or TemplateProblem (TemplateLimitExceeded past its bounds)."""
    try:
        template = _compile(source, html)
    except TemplateSyntaxError as exc:
        raise _syntax_problem(exc, part) from None
    wrapped = {name: wrap(name, value) for name, value in context.items()}
    try:
        return _run(template, wrapped, limits)
    except LimitExceeded as exc:
        raise TemplateLimitExceeded(f"{part} template exceeds its bounds: {exc}", line=_template_line(exc),
                                    part=part) from None
    except FieldFailure as exc:
        raise TemplateProblem(str(exc), field=exc.field, line=_template_line(exc), part=part) from None
    except SecurityError as exc:
        raise TemplateProblem(f"{part} template does something not allowed: {exc}", line=_template_line(exc),
                              part=part) from None
    except TemplateError as exc:
        raise TemplateProblem(f"{part} template failed: {exc}", line=_template_line(exc), part=part) from None
    except Exception as exc:  # untrusted code: whatever goes wrong is the template's problem, not a crash
        raise TemplateProblem(f"{part} template failed: {type(exc).__name__}: {exc}", line=_template_line(exc),
                              part=part) from None


def _template_line(exc: BaseException) -> int | None:
    """The template line that failed: Jinja rewrites the traceback to point into the template's source."""
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == "<template>"]
    return lines[-1] if lines else None


def _normalise(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _source(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class RenderedMessage:
    subject: str | None
    body: str
    html: str | None = None  # the HTML part, when the step has one


def render_message(subject: str | None, body: str, context: Mapping[str, Any], *, seed: str,
                   limits: RenderLimits) -> RenderedMessage:
    """Spintax (chosen by `seed`), then Jinja, for subject and body; lines right-trimmed, subject one line."""
    rendered_subject = None
    if subject is not None:
        rendered_subject = _normalise(render_template(spin(_source(subject), seed), context, part="subject",
                                                    limits=limits))
        rendered_subject = rendered_subject.strip()
        if "\n" in rendered_subject:
            raise TemplateProblem("the subject must be a single line, but the template renders several",
                                  field="subject", part="subject")
    rendered_body = _normalise(render_template(spin(_source(body), seed), context, part="body", limits=limits))
    return RenderedMessage(subject=rendered_subject, body=rendered_body)


def render_html(body: str, context: Mapping[str, Any], *, seed: str, limits: RenderLimits) -> str:
    """An HTML body: like the text body, but every value printed is HTML-escaped."""
    return _normalise(render_template(spin(_source(body), seed), context, html=True, part="html body",
                                      limits=limits))


def _unknown_fields(tree: nodes.Template, declared: set[str]) -> set[str]:
    """`lead.x` / `sender.x` (or `lead["x"]`) where x is not a field the context provides."""
    known = {"lead": set(LEAD_FIELDS), "sender": set(SENDER_FIELDS)}
    found = set()
    lookups: list[tuple[nodes.Expr, str]] = [(node.node, node.attr) for node in tree.find_all(nodes.Getattr)]
    lookups += [(node.node, node.arg.value) for node in tree.find_all(nodes.Getitem)
                if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str)]
    for owner, attribute in lookups:
        if (isinstance(owner, nodes.Name) and owner.name in known and owner.name not in declared
                and attribute not in known[owner.name]):
            found.add(f"{owner.name}.{attribute}")
    return found


def _check_part(part: str, source: str, known: frozenset[str]) -> list[str]:
    source = _source(source)
    problems = [f"{part}, {problem}" for problem in spintax_problems(source)]
    try:
        tree = _TEXT.parse(expand_all(source))
    except TemplateSyntaxError as exc:
        return [*problems, str(_syntax_problem(exc, part))]
    undeclared = meta.find_undeclared_variables(tree)
    for name in sorted(undeclared - known - _GLOBALS):
        problems.append(f"{part} uses unknown name {name!r}")
    assigned = {node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}
    for name in sorted(_unknown_fields(tree, assigned)):
        problems.append(f"{part} uses unknown field {name!r}")
    return problems


def check_template(subject: str | None, body: str, *, extra_names: Iterable[str] = (),
                   html: str | None = None) -> list[str]:
    """What is wrong with a campaign's templates, for when it is saved: syntax errors and unknown names.

    `extra_names` are the names the campaign adds to the context (message_context's `extra`); `html` is the
    step's HTML (or Markdown) part, if it has one.
    """
    known = CONTEXT_NAMES | frozenset(extra_names)
    problems = [] if subject is None else _check_part("subject", subject, known)
    problems += [] if html is None else _check_part("html", html, known)
    return problems + _check_part("body", body, known)
