"""Render a user's message template for one lead: spintax first, then Jinja in a sandbox.

Templates are untrusted: they run in Jinja's immutable sandbox (no private attributes, no mutation, no
unsafe calls), with caps on `*`, `**` and the output's size. A name the template uses must exist
(StrictUndefined) and must not be empty: None, "" or blanks become `Missing`, which fails when printed but
which the `default` filter (alias `or_else`) replaces. `{% if first_name %}` and `first_name or "x"` treat a
missing value as false. Every failure is a `TemplateProblem` naming the field where it can.
"""

import math
import traceback
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NoReturn

from jinja2 import Template, TemplateError, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, StrictUndefined, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing

from aicmo.cam.templates.context import CONTEXT_NAMES, LEAD_FIELDS, SENDER_FIELDS
from aicmo.cam.templates.spintax import expand_all, spin, spintax_problems
from aicmo.errors import AicmoError

__all__ = ["Missing", "RenderedMessage", "TemplateProblem", "check_template", "render_html", "render_message",
           "render_template"]

MAX_OUTPUT_CHARS = 1_000_000
MAX_SEQUENCE_LENGTH = 100_000
MAX_POWER_BITS = 4096


class TemplateProblem(AicmoError):
    """A template that cannot be rendered for this lead: a syntax error, an unknown or empty field, a refusal."""

    def __init__(self, message: str, *, field: str | None = None, line: int | None = None,
                 part: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.line = line
        self.part = part


class _FieldFailure(UndefinedError):
    """Raised inside Jinja by an undefined or empty value; turned into a TemplateProblem outside."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class _Strict(StrictUndefined):
    """StrictUndefined whose failure names the field (`lead.frist_name`) and keeps sandbox refusals."""

    __slots__ = ()

    def _field_path(self) -> str:
        name = str(self._undefined_name)
        owner = self._undefined_obj
        return f"{owner._path}.{name}" if isinstance(owner, Record) else name

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> NoReturn:
        owner = self._undefined_obj
        if isinstance(owner, Undefined):  # `x.__class__.__mro__`: the first failure is the one to report
            owner._fail_with_undefined_error()
        if self._undefined_exception is not UndefinedError:  # a sandbox refusal (SecurityError)
            raise self._undefined_exception(self._undefined_message)
        path = self._field_path()
        if owner is missing or isinstance(owner, Record):
            raise _FieldFailure(f"undefined variable {path!r} in template", path)
        raise _FieldFailure(f"{self._undefined_message} in template", path)


def _fail(self: _Strict, *args: Any, **kwargs: Any) -> NoReturn:
    self._fail_with_undefined_error()


# Jinja binds its operators to the base class's failure function; route them through ours. `repr` too, so that
# `{{ [x.__class__] }}` or `{{ [first_name] }}` fails instead of printing "[Undefined]".
for _name, _value in (*vars(Undefined).items(), *vars(StrictUndefined).items()):
    if _value is Undefined._fail_with_undefined_error and _name.startswith("__"):
        setattr(_Strict, _name, _fail)
_Strict.__repr__ = _fail  # type: ignore[method-assign,assignment]


class Missing(_Strict):
    """A None or empty value in the context: an error when rendered, a fallback for `default`, false in `if`."""

    __slots__ = ()

    def __init__(self, field: str) -> None:
        super().__init__(name=field)

    @property
    def field(self) -> str:
        return str(self._undefined_name)

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> NoReturn:
        whose = "sender" if self.field.startswith("sender.") else "lead"
        raise _FieldFailure(f"template needs {self.field}, which is empty for this {whose}", self.field)

    def __bool__(self) -> bool:  # type: ignore[override]
        return False

    def __len__(self) -> int:  # type: ignore[override]
        return 0

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        return iter(())


def _is_empty(value: Any) -> bool:
    return value is None or isinstance(value, Undefined) or (isinstance(value, str) and not value.strip())


def _wrap(path: str, value: Any) -> Any:
    if isinstance(value, Undefined):
        return value
    if _is_empty(value):
        return Missing(path)
    if isinstance(value, Mapping):
        return Record(path, value)
    return value


class Record:
    """A mapping seen by a template: `lead.first_name` and `lead["first_name"]`, with empty values Missing.

    It has no public methods, so a field is never shadowed by one (`custom.items` is the custom field).
    """

    __slots__ = ("_path", "_values")

    def __init__(self, path: str, values: Mapping[str, Any]) -> None:
        self._path = path
        self._values = values

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in self._values:
            raise AttributeError(name)
        return _wrap(f"{self._path}.{name}", self._values[name])

    def __getitem__(self, key: Any) -> Any:
        if not isinstance(key, str) or key not in self._values:
            raise KeyError(key)
        return _wrap(f"{self._path}.{key}", self._values[key])

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __str__(self) -> str:
        return str(dict(self._values))


def _filter_default(value: Any, default_value: Any = "", boolean: bool = False) -> Any:
    """Jinja's `default`, except that None, "" and blanks are missing too."""
    if _is_empty(value) or (boolean and not value):
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


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if (isinstance(sequence, (str, list, tuple)) and isinstance(count, int)
                        and len(sequence) * count > MAX_SEQUENCE_LENGTH):
                    raise SecurityError(f"repeating a sequence more than {MAX_SEQUENCE_LENGTH} times over")
        if (operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1
                and right * max(math.log2(abs(left)), 1) > MAX_POWER_BITS):
            raise SecurityError("number too large")
        return super().call_binop(context, operator, left, right)


def _environment(html: bool) -> _Sandbox:
    env = _Sandbox(autoescape=html, undefined=_Strict, trim_blocks=True, lstrip_blocks=True,
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


def _run(template: Template, context: dict[str, Any]) -> str:
    out: list[str] = []
    size = 0
    for chunk in template.generate(context):
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            raise SecurityError(f"output longer than {MAX_OUTPUT_CHARS} characters")
        out.append(chunk)
    return "".join(out)


def render_template(source: str, context: Mapping[str, Any], *, html: bool = False, part: str = "body") -> str:
    """Jinja only (no spintax): the rendered text, or TemplateProblem."""
    try:
        template = _compile(source, html)
    except TemplateSyntaxError as exc:
        raise _syntax_problem(exc, part) from None
    wrapped = {name: _wrap(name, value) for name, value in context.items()}
    try:
        return _run(template, wrapped)
    except _FieldFailure as exc:
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


def render_message(subject: str | None, body: str, context: Mapping[str, Any], *, seed: str) -> RenderedMessage:
    """Spintax (chosen by `seed`), then Jinja, for subject and body; lines right-trimmed, subject one line."""
    rendered_subject = None
    if subject is not None:
        rendered_subject = _normalise(render_template(spin(_source(subject), seed), context, part="subject"))
        rendered_subject = rendered_subject.strip()
        if "\n" in rendered_subject:
            raise TemplateProblem("the subject must be a single line, but the template renders several",
                                  field="subject", part="subject")
    rendered_body = _normalise(render_template(spin(_source(body), seed), context, part="body"))
    return RenderedMessage(subject=rendered_subject, body=rendered_body)


def render_html(body: str, context: Mapping[str, Any], *, seed: str) -> str:
    """An HTML body: like the text body, but every value printed is HTML-escaped."""
    return _normalise(render_template(spin(_source(body), seed), context, html=True, part="html body"))


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


def check_template(subject: str | None, body: str, *, extra_names: Iterable[str] = ()) -> list[str]:
    """What is wrong with a campaign's templates, for when it is saved: syntax errors and unknown names.

    `extra_names` are the names the campaign adds to the context (message_context's `extra`).
    """
    known = CONTEXT_NAMES | frozenset(extra_names)
    problems = [] if subject is None else _check_part("subject", subject, known)
    return problems + _check_part("body", body, known)
