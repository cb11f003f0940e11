"""What one rendering may cost: a deadline, a number of loop steps and calls, and the characters it may build.

A render opens a `Budget` (`bounded`); the sandbox charges it as the template runs — each loop step and call,
each printed value — and checks the size an operation would build before it allocates it, so a template is
stopped while it runs, not after it has taken the CPU or the memory.
"""

import re
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context

DEFAULT_SECONDS = 1.0
DEFAULT_STEPS = 100_000
DEFAULT_CHARS = 1_000_000
_SMALL = 24  # what a number, a date or another scalar counts for when printed


@dataclass(frozen=True)
class RenderLimits:
    seconds: float = DEFAULT_SECONDS
    steps: int = DEFAULT_STEPS
    chars: int = DEFAULT_CHARS


class LimitExceeded(SecurityError):
    """A template went past one of its bounds while rendering."""


@dataclass
class Budget:
    limits: RenderLimits
    deadline: float
    steps: int
    chars: int


_CURRENT: ContextVar[Budget | None] = ContextVar("aicmo_render_budget", default=None)


@contextmanager
def bounded(limits: RenderLimits) -> Iterator[Budget]:
    """Charge what runs inside (in this thread or task) to a fresh budget."""
    budget = Budget(limits, time.monotonic() + limits.seconds, limits.steps, limits.chars)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def _limits() -> RenderLimits:
    budget = _CURRENT.get()
    return budget.limits if budget is not None else RenderLimits()


def check_time(budget: Budget) -> None:
    if time.monotonic() > budget.deadline:
        raise LimitExceeded(f"rendering took longer than {budget.limits.seconds:g} s")


def tick() -> None:
    """One loop step or call: refuse past the step budget or the deadline."""
    budget = _CURRENT.get()
    if budget is None:
        return
    budget.steps -= 1
    if budget.steps < 0:
        raise LimitExceeded(f"more than {budget.limits.steps} loop steps and calls")
    check_time(budget)


def charge(chars: int) -> None:
    """Characters printed (also inside macros and blocks that may not be shown): refuse past the budget."""
    budget = _CURRENT.get()
    if budget is None:
        return
    budget.chars -= chars
    if budget.chars < 0:
        raise LimitExceeded(f"output longer than {budget.limits.chars} characters")


def check_size(chars: int) -> None:
    """Refuse to build a text longer than the output may be."""
    limit = _limits().chars
    if chars > limit:
        raise LimitExceeded(f"text longer than {limit} characters")


def size_of(value: Any, limit: int | None = None) -> int:
    """About how many characters `value` prints as; stops counting once past `limit` (the output cap)."""
    limit = _limits().chars if limit is None else limit
    total, pending = 0, [value]
    while pending and total <= limit:
        item = pending.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, Context | EvalContext):
            total += _SMALL
        elif isinstance(item, Mapping):
            total += 2 + 4 * len(item)
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            pending.extend(item)
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        else:
            total += _SMALL
    return total


def check_values(values: Iterable[Any], extra: int = 0) -> None:
    """Refuse values that together (with `extra` characters more) print longer than the output may be."""
    limit = _limits().chars
    total = extra
    for value in values:
        total += size_of(value, limit - total)
        if total > limit:
            raise LimitExceeded(f"text longer than {limit} characters")


def loop_steps(iterable: Iterable[Any]) -> Iterator[Any]:
    """A `{% for %}` loop's items, each one charged as a step."""
    for item in iterable:
        tick()
        yield item


def join_bounded(parts: Iterable[Any]) -> str:
    """`concat` for the sandbox: join buffered output after checking its length."""
    parts = parts if isinstance(parts, list) else list(parts)
    check_size(sum(len(part) for part in parts))
    return "".join(parts)


# printf-style conversions: %[(name)][flags][width][.precision][length]type
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([a-zA-Z%])")
_NUMBER = re.compile(r"\d+")


def check_percent(template: str, arguments: Any) -> None:
    """`"%5d" % x` and the `format` filter: refuse widths and precisions past the output cap."""
    limit = _limits().chars
    starred = False
    for match in _PERCENT.finditer(template):
        width, precision = match.group(1), match.group(2)
        starred = starred or "*" in (width, precision)
        for number in (width, precision):
            if number and number != "*" and int(number) > limit:
                raise LimitExceeded(f"a width or precision over {limit}")
    values = list(arguments.values()) if isinstance(arguments, Mapping) else (
        list(arguments) if isinstance(arguments, tuple | list) else [arguments])
    if starred and any(isinstance(v, int) and abs(v) > limit for v in values):
        raise LimitExceeded(f"a width or precision over {limit}")
    check_values([template, *values])


def check_format_spec(spec: str, arguments: Iterable[Any]) -> None:
    """`"{:5}".format(x)`: refuse widths and precisions past the output cap, nested ones included."""
    limit = _limits().chars
    arguments = list(arguments)
    if any(int(number) > limit for number in _NUMBER.findall(spec)):
        raise LimitExceeded(f"a width or precision over {limit}")
    if "{" in spec and any(isinstance(v, int) and abs(v) > limit for v in arguments):
        raise LimitExceeded(f"a width or precision over {limit}")
