"""How deep JSON nests, checked on the text before a parser sees it, in time and memory linear in the text.

Parsers spend memory with the square of the depth (ijson's paths) or recurse once per level (json, and the
flattening of a record), so a file of `[[[[…` must be refused before parsing, with the line and column where
it goes too deep.
"""

import re
from itertools import accumulate

MAX_DEPTH = 32

# A whole JSON string (escapes included), or a bracket outside one.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class TooDeep(ValueError):
    def __init__(self, limit: int, line: int, column: int) -> None:
        super().__init__(f"nested more than {limit} levels deep")
        self.line = line
        self.column = column


class NestingGuard:
    """Fed a JSON text in pieces, in order: raises TooDeep where it first nests past `limit`."""

    def __init__(self, limit: int = MAX_DEPTH, first_line: int = 1) -> None:
        self.limit = limit
        self._depth = 0
        self._carry = ""  # an unfinished string at the end of the last piece, checked with the next one
        self._line = first_line
        self._column = 0  # characters on the current line before the carried text

    def feed(self, text: str, final: bool = False) -> None:
        text = self._carry + text
        stripped = _STRING.sub("", text)
        # a string left open at the end waits for the next piece: nothing after its quote was stripped
        quote = -1 if final else stripped.find('"')
        if quote >= 0:
            cut = len(text) - (len(stripped) - quote)
            text, self._carry, stripped = text[:cut], text[cut:], stripped[:quote]
        else:
            self._carry = ""
        checked = text
        brackets = stripped.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
        if brackets and max(accumulate(map(_STEP.__getitem__, brackets), initial=self._depth)) > self.limit:
            self._locate(checked)
        self._depth += sum(map(_STEP.__getitem__, brackets))
        self._advance(checked)

    def _locate(self, text: str) -> None:
        depth = self._depth
        for match in _TOKEN.finditer(text):
            token = match.group()
            if token in "[{":
                depth += 1
                if depth > self.limit:
                    start = match.start()
                    newlines = text.count("\n", 0, start)
                    line_start = text.rfind("\n", 0, start)
                    column = start - line_start if newlines else self._column + start + 1
                    raise TooDeep(self.limit, self._line + newlines, column)
            elif token in "]}":
                depth -= 1

    def _advance(self, text: str) -> None:
        newlines = text.count("\n")
        self._line += newlines
        self._column = len(text) - text.rfind("\n") - 1 if newlines else self._column + len(text)


def check_depth(text: str, limit: int = MAX_DEPTH, line: int = 1) -> None:
    """One whole JSON text (a JSON Lines record): TooDeep if it nests past `limit`."""
    NestingGuard(limit, line).feed(text, final=True)
