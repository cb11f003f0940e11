"""Records of a JSON array or a JSON Lines file, streamed with their nesting bounded; every error names where."""

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, TextIO

import ijson

from aicmo.cam.leads.nesting import NestingGuard, TooDeep, check_depth
from aicmo.errors import ImportFileError

_SPACE = re.compile(r"[ \t\n\r]*")


class _GuardedSource:
    """Feeds ijson UTF-8 bytes whatever the file's encoding, each piece checked for nesting before it is parsed."""

    def __init__(self, text: TextIO, guard: NestingGuard) -> None:
        self._text = text
        self._guard = guard

    def read(self, size: int = -1) -> bytes:
        piece = self._text.read(size)
        self._guard.feed(piece, final=not piece)
        return piece.encode("utf-8")


def json_array_records(text: TextIO, name: str, max_depth: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """(record number, record) for each object of the array; ImportFileError naming line and column if not."""
    number = 0
    try:
        for number, item in enumerate(ijson.items(_GuardedSource(text, NestingGuard(max_depth)), "item"), 1):
            if not isinstance(item, dict):
                raise ImportFileError(f"{name} record {number} is not a JSON object")
            yield number, item
    except TooDeep as exc:
        raise ImportFileError(f"{name} line {exc.line}, column {exc.column}: JSON {exc}") from None
    except ijson.JSONError as exc:
        where = _syntax_error_at(text)
        raise ImportFileError(f"{name} is not valid JSON at record {number + 1}{where}: "
                              f"{_yajl_message(exc)}") from None


def _syntax_error_at(text: TextIO) -> str:
    """`, line L, column C` of the first syntax error, read again with Python's parser ("" if it finds none)."""
    try:
        text.seek(0)
        whole = text.read()
    except (OSError, ValueError):
        return ""
    decoder = json.JSONDecoder()
    index = _skip_space(whole, int(whole.startswith("\ufeff"))) + 1  # past the opening '['
    try:
        while True:
            index = _skip_space(whole, index)
            if whole.startswith("]", index):
                return ""
            _item, index = decoder.raw_decode(whole, index)
            index = _skip_space(whole, index)
            if whole.startswith(",", index):
                index += 1
            elif not whole.startswith("]", index):
                raise json.JSONDecodeError("expected ',' or ']'", whole, index)
    except json.JSONDecodeError as exc:
        return f", line {exc.lineno}, column {exc.colno}"
    except RecursionError:
        return ""


def _skip_space(text: str, index: int) -> int:
    space = _SPACE.match(text, index)
    return space.end() if space else index


def json_lines_records(text: TextIO, name: str, max_depth: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each non-blank line; ImportFileError naming line and column if not."""
    for number, line in enumerate(text, 1):
        if line.strip():
            yield number, _jsonl_object(name, number, line, max_depth)


def _jsonl_object(name: str, number: int, line: str, max_depth: int) -> dict[str, Any]:
    try:
        check_depth(line, max_depth, number)
        item = json.loads(line, parse_float=Decimal)
    except TooDeep as exc:
        raise ImportFileError(f"{name} line {number}, column {exc.column}: JSON {exc}") from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{name} line {number}, column {exc.colno} is not valid JSON: {exc.msg}") from None
    if not isinstance(item, dict):
        raise ImportFileError(f"{name} line {number} is not a JSON object")
    return item


def flatten(item: dict[str, Any], out: dict[str, str], prefix: str = "") -> dict[str, str]:
    """Nested objects become dotted names (`address.city`); other values their text."""
    for key, value in item.items():
        if isinstance(value, dict) and value:
            flatten(value, out, f"{prefix}{key}.")
        else:
            out[f"{prefix}{key}"] = _text(value)
    return out


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, list) and not any(isinstance(v, dict | list) for v in value):
        return "; ".join(text for text in map(_text, value) if text)
    if isinstance(value, dict | list):
        return json.dumps(value, default=_text, ensure_ascii=False) if value else ""
    return str(value)


def _decimal_text(value: Decimal) -> str:
    if not value.is_finite() or abs(value.adjusted()) > 30:
        return str(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value, "f")


def _yajl_message(exc: Exception) -> str:
    text = exc.args[0] if exc.args else ""
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    message = lines[0] if lines else "malformed JSON"
    return f"{message} near {lines[1]!r}" if len(lines) > 1 and "right here" not in lines[1] else message
