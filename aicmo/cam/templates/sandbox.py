"""Jinja's immutable sandbox, with every way a template can spend time or memory charged to its render budget.

Loops and calls are counted and timed; `*`, `+`, `%`, `~`, the padding and formatting filters and the str
methods that grow text check the size they would build before building it; printed values and buffered blocks
count against the output cap. Nothing is evaluated at compile time (no constant folding), so all of it runs
under the budget.
"""

import math
from collections.abc import Callable, Iterable, Mapping
from string import Formatter
from typing import Any

from jinja2 import Environment, nodes, pass_context, pass_environment, pass_eval_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.filters import do_center, do_format, do_indent, do_join, do_replace, do_wordwrap
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from aicmo.cam.templates.bounds import (
    LimitExceeded,
    charge,
    check_format_spec,
    check_percent,
    check_size,
    check_values,
    join_bounded,
    loop_steps,
    size_of,
    tick,
)

MAX_SEQUENCE_LENGTH = 100_000
MAX_POWER_BITS = 4096
_LOOP_FILTER = "_loop_steps"
# Filters that never build text: they count, pick, compare or reorder what they are given.
_NOT_TEXT = frozenset({"length", "count", "first", "last", "default", "d", "or_else", "int", "float", "abs", "round",
                       "bool", "attr", "map", "select", "reject", "selectattr", "rejectattr", "sort", "unique", "min",
                       "max", "sum", "reverse", "list", "batch", "slice", "groupby", "dictsort", "items", "random",
                       _LOOP_FILTER})


class _Generator(CodeGenerator):
    """Jinja's compiler, with each loop's items counted and `~` checked before it joins."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        for loop in node.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _LOOP_FILTER, [], [], None, None, lineno=loop.iter.lineno)
        super().visit_Template(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        else:
            join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
        self.write(f"environment.checked_join({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


@pass_context
def _finalize(context: Context, value: Any) -> Any:
    charge(size_of(value))
    return value


def _checked(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A text-building filter that first refuses input longer than the output may be."""

    def checked(*args: Any, **kwargs: Any) -> Any:
        check_values(arg for arg in args if not isinstance(arg, Context | EvalContext))
        return function(*args, **kwargs)

    checked.__name__ = name
    checked.__dict__.update(function.__dict__)  # keeps Jinja's pass_context / pass_eval_context marks
    return checked


def _center(value: Any, width: int = 80) -> str:
    check_size(max(int(width), 0))
    return do_center(value, width)


def _indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    text = str(value)
    pad = len(width) if isinstance(width, str) else int(width)
    check_size(len(text) + pad * (text.count("\n") + 1))
    return do_indent(text, width, first, blank)


@pass_environment
def _wordwrap(environment: Environment, value: Any, width: int = 79, break_long_words: bool = True,
              wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:
    text = str(value)
    check_size(len(text) * (1 + len(wrapstring or environment.newline_sequence)))
    return do_wordwrap(environment, text, width, break_long_words, wrapstring, break_on_hyphens)


@pass_eval_context
def _replace(eval_ctx: EvalContext, value: Any, old: Any, new: Any, count: int | None = None) -> Any:
    check_size(_replaced_size(str(value), str(old), str(new), count))
    return do_replace(eval_ctx, value, old, new, count)


def _replaced_size(text: str, old: str, new: str, count: int | None) -> int:
    found = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        found = min(found, count)
    return len(text) + found * max(len(new) - len(old), 0)


@pass_eval_context
def _join(eval_ctx: EvalContext, value: Iterable[Any], d: str = "", attribute: str | int | None = None) -> str:
    items = list(value)
    check_values(items, len(str(d)) * max(len(items) - 1, 0))
    joined: str = do_join(eval_ctx, items, d, attribute)
    return joined


def _format(value: str, *args: Any, **kwargs: Any) -> str:
    check_percent(str(value), kwargs or args)
    return do_format(value, *args, **kwargs)


def _range(*args: int) -> range:
    numbers = range(*args)
    check_steps(len(numbers))
    return numbers


def check_steps(count: int) -> None:
    if count > MAX_SEQUENCE_LENGTH:
        raise LimitExceeded(f"a range of more than {MAX_SEQUENCE_LENGTH} numbers")


def _grown_by(method: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> tuple[Any, ...]:
    """Refuse a str method call that would build text past the cap; the arguments to call it with."""
    target = getattr(method, "__wrapped__", method)  # the sandbox wraps str.format
    owner = getattr(target, "__self__", None)
    if not isinstance(owner, str):
        return args
    name = getattr(target, "__name__", "")
    if name in ("center", "ljust", "rjust", "zfill") and args and isinstance(args[0], int):
        check_size(args[0])
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        check_size(len(owner) + owner.count("\t") * max(int(size), 0))
    elif name == "replace" and len(args) >= 2:
        check_size(_replaced_size(owner, str(args[0]), str(args[1]), args[2] if len(args) > 2 else None))
    elif name == "join" and args:
        items = list(args[0])
        check_values(items, len(owner) * max(len(items) - 1, 0))
        return (items, *args[1:])
    elif name in ("format", "format_map"):
        values = [*args, *kwargs.values()]
        if name == "format_map" and args and isinstance(args[0], Mapping):
            values = list(args[0].values())
        for _text, _field, spec, _conversion in Formatter().parse(owner):
            check_format_spec(spec or "", values)
        check_values([owner, *values])
    return args


class BoundedSandbox(ImmutableSandboxedEnvironment):
    code_generator_class = _Generator
    intercepted_binops = frozenset({"*", "**", "+", "%"})
    concat = staticmethod(join_bounded)

    def __init__(self, **options: Any) -> None:
        super().__init__(optimized=False, finalize=_finalize, **options)
        for name, function in list(self.filters.items()):
            if name not in _NOT_TEXT:
                self.filters[name] = _checked(name, function)
        self.filters.update(center=_center, indent=_indent, wordwrap=_wordwrap, replace=_replace, join=_join,
                            format=_format)
        self.filters[_LOOP_FILTER] = loop_steps
        self.globals["range"] = _range

    @staticmethod
    def checked_join(join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        check_values(parts)
        return join(parts)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and isinstance(count, int):
                    if len(sequence) * count > MAX_SEQUENCE_LENGTH:
                        raise SecurityError(f"repeating a sequence more than {MAX_SEQUENCE_LENGTH} times over")
                    check_size(size_of(sequence) * max(count, 0))
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            check_values((left, right))
        elif operator == "%" and isinstance(left, str):
            check_percent(left, right)
        elif (operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1
                and right * max(math.log2(abs(left)), 1) > MAX_POWER_BITS):
            raise SecurityError("number too large")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        tick()
        args = _grown_by(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)
