"""How JSON columns are written and read: orjson, with the standard library behind it for what orjson refuses.

An import writes three JSON columns per row (tags, custom fields, grade reasons); the standard encoder spent
more time on them than SQLite spent inserting the row. orjson writes the same values about ten times faster.
Its text is compact and UTF-8 rather than ASCII-escaped: the same JSON to every reader, SQLite's and
PostgreSQL's JSON functions included.
"""

import json
from typing import Any

import orjson


class JsonText(str):
    """A value already written as JSON, which `dumps` passes through as it is.

    An import's worker processes write each new lead's grade reasons this way: the text crosses to the writing
    process as one string instead of a list of dicts to pickle, and the bulk insert stores it unchanged.
    """

    __slots__ = ()


def dumps(value: Any) -> str:
    if isinstance(value, JsonText):
        return value
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # keys that are not text, integers beyond 64 bits: the standard library decides
        return json.dumps(value)


def loads(text: str | bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN and Infinity, which the standard library writes and reads
        return json.loads(text)
