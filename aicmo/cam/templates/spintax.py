"""Spintax: `{Hi|Hello|Hey}` picks one alternative, the same one every time for a given seed.

Spintax is resolved before Jinja renders the template, and it never touches Jinja's own syntax: `{{ … }}`,
`{% … %}` (a `{% raw %}` block up to its `{% endraw %}`) and `{# … #}` are copied as they are, so the pipe of
a filter (`{{ x | default("a|b") }}`) is not a choice. Only a single-brace group with a `|` at its own level
is spintax; `{a|{b|c}}` nests. Any other brace group (`{not spintax}`, CSS, JSON) is left as it is, and an
unmatched brace is literal text. Write `\\{` and `\\}` for a literal brace, for instance to show spintax.

A group that opens right after another `{` reads as Jinja (`{{a|b}|c}` is an expression): write `{ {a|b}|c}`.

The choice for a group is a blake2b hash of the seed and the group's offset in the source: stable across runs
and processes (never Python's salted `hash()`), independent between groups.
"""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["expand_all", "has_spintax", "spin", "spintax_problems"]

_JINJA_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_RAW_START = re.compile(r"\{%-?\s*raw\s*-?%\}")
_RAW_END = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_OPENERS = "([{"
_CLOSERS = ")]}"
# What an escaped brace becomes: Jinja output of a constant, so that it can never start a Jinja construct.
_JINJA_SAFE = {"{": '{{ "{" }}', "}": '{{ "}" }}'}


@dataclass(frozen=True)
class _Group:
    offset: int
    alternatives: tuple["_Sequence", ...]


@dataclass(frozen=True)
class _Escaped:
    brace: str


_Node = str | _Group | _Escaped
_Sequence = tuple[_Node, ...]


def _jinja_end(text: str, start: int) -> int:
    """The offset just past the Jinja construct opening at `start` (the end of the text if it never closes)."""
    opener = text[start:start + 2]
    if opener == "{#":
        end = text.find("#}", start + 2)
        return len(text) if end < 0 else end + 2
    if opener == "{%" and (raw := _RAW_START.match(text, start)):
        endraw = _RAW_END.search(text, raw.end())
        return len(text) if endraw is None else endraw.end()
    closer = _JINJA_CLOSERS[opener]
    depth, i, quote = 0, start + 2, ""
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif depth == 0 and text.startswith(closer, i):
            return i + 2
        elif char in _OPENERS:
            depth += 1
        elif char in _CLOSERS and depth:
            depth -= 1
        i += 1
    return len(text)


def _tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) pieces: kind is "jinja", "escape", "{", "}", "|" or "text" (one character)."""
    i = 0
    while i < len(text):
        two = text[i:i + 2]
        if two in ("\\{", "\\}"):
            yield i, i + 2, "escape"
            i += 2
        elif two in _JINJA_CLOSERS:
            end = _jinja_end(text, i)
            yield i, end, "jinja"
            i = end
        else:
            char = text[i]
            yield i, i + 1, char if char in "{}|" else "text"
            i += 1


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = list(_tokens(text))
        self.partner: dict[int, int] = {}  # token index of a matched "{" -> token index of its "}"
        self.unmatched: list[int] = []  # offsets of braces with no partner
        stack: list[int] = []
        for index, (start, _, kind) in enumerate(self.tokens):
            if kind == "{":
                stack.append(index)
            elif kind == "}":
                if stack:
                    self.partner[stack.pop()] = index
                else:
                    self.unmatched.append(start)
        self.unmatched.extend(self.tokens[index][0] for index in stack)

    def sequence(self, first: int, last: int, *, split: bool = True) -> list[_Sequence]:
        """Tokens first..last-1 as nodes, split at their own-level pipes when `split` (inside a group)."""
        alternatives: list[list[_Node]] = [[]]
        buffer: list[str] = []

        def flush() -> None:
            if buffer:
                alternatives[-1].append("".join(buffer))
                buffer.clear()

        index = first
        while index < last:
            start, end, kind = self.tokens[index]
            if kind == "{" and index in self.partner:
                close = self.partner[index]
                inner = self.sequence(index + 1, close)
                flush()
                if len(inner) > 1:
                    alternatives[-1].append(_Group(start, tuple(inner)))
                else:  # braces without a choice are text; choices inside them still count
                    alternatives[-1].extend(("{", *inner[0], "}"))
                index = close + 1
                continue
            if kind == "|" and split:
                flush()
                alternatives.append([])
            elif kind == "escape":
                flush()
                alternatives[-1].append(_Escaped(self.text[end - 1]))
            else:
                buffer.append(self.text[start:end])
            index += 1
        flush()
        return [tuple(alternative) for alternative in alternatives]

    def top(self) -> _Sequence:
        """The whole text: a pipe outside any group is plain text."""
        [whole] = self.sequence(0, len(self.tokens), split=False)
        return whole


def _parse(text: str) -> _Sequence:
    return _Parser(text).top()


def _pick(seed: str, offset: int, count: int) -> int:
    digest = hashlib.blake2b(f"{seed}\x1f{offset}".encode(), digest_size=8, person=b"aicmo-spin").digest()
    return int.from_bytes(digest, "big") % count


def _emit(nodes: _Sequence, out: list[str], seed: str | None, jinja_safe: bool) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, _Escaped):
            out.append(_JINJA_SAFE[node.brace] if jinja_safe else node.brace)
        elif seed is None:
            for alternative in node.alternatives:
                _emit(alternative, out, None, jinja_safe)
        else:
            chosen = node.alternatives[_pick(seed, node.offset, len(node.alternatives))]
            _emit(chosen, out, seed, jinja_safe)


def spin(text: str, seed: str, *, jinja_safe: bool = True) -> str:
    """Resolve every spintax group of `text`, choosing by `seed`; Jinja constructs are copied untouched.

    With `jinja_safe` (the default, for text about to be rendered by Jinja) an escaped brace becomes a Jinja
    constant; without it, the brace itself.
    """
    if not has_spintax(text):
        return text
    out: list[str] = []
    _emit(_parse(text), out, seed, jinja_safe)
    return "".join(out)


def expand_all(text: str) -> str:
    """Every alternative of every group, one after the other: the text to check for Jinja errors and names."""
    if not has_spintax(text):
        return text
    out: list[str] = []
    _emit(_parse(text), out, None, True)
    return "".join(out)


def has_spintax(text: str) -> bool:
    """Cheap test: could `text` hold a group or an escape at all?"""
    return "\\" in text or ("{" in text and "|" in text)


def spintax_problems(text: str) -> list[str]:
    """Unmatched braces that look like a broken choice (a `|` follows on the same line)."""
    problems = []
    for offset in sorted(_Parser(text).unmatched):
        line_end = text.find("\n", offset)
        rest = text[offset:] if line_end < 0 else text[offset:line_end]
        if text[offset] == "{" and "|" in rest:
            line = text.count("\n", 0, offset) + 1
            problems.append(f"line {line}: '{{' opens a choice that is never closed (write \\{{ for a literal brace)")
    return problems
