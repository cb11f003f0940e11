"""Turn JSON records into the flat text rows of a lead file: nested objects become dotted columns, lists of
plain values one "; "-separated cell, numbers their exact decimal text."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from aicmo.errors import ImportFileError


def jsonl_object(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        item = json.loads(line, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{path.name} line {number} is not valid JSON: {exc.msg} "
                              f"(column {exc.colno})") from None
    if not isinstance(item, dict):
        raise ImportFileError(f"{path.name} line {number} is not a JSON object")
    return item


def flatten(item: dict[str, Any], out: dict[str, str], prefix: str = "") -> dict[str, str]:
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


def yajl_message(exc: Exception) -> str:
    text = exc.args[0] if exc.args else ""
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    message = lines[0] if lines else "malformed JSON"
    return f"{message} near {lines[1]!r}" if len(lines) > 1 and "right here" not in lines[1] else message
