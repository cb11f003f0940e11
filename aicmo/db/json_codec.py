"""How JSON columns are written: orjson, with the standard library behind it for what orjson refuses.

An import writes three JSON columns per row (tags, custom fields, grade reasons); the standard encoder spent
more time on them than SQLite spent inserting the row. orjson writes the same values about ten times faster.
Its text is compact and UTF-8 rather than ASCII-escaped: the same JSON to every reader, SQLite's and
PostgreSQL's JSON functions included. Reading stays with the standard library, which keeps an integer beyond
64 bits exact where orjson would read it as a float.
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

