"""Map the column names of a lead export (Apollo, Sales Navigator, HubSpot, ad-hoc CSV) onto lead fields.

``map_headers`` does all the work once per file; ``HeaderMapping.extract`` runs once per row and does only
dict lookups and ``str.strip``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aicmo.cam.leads.vocab import (
    HEADER_ALIASES,
    IGNORE_FIELDS,
    IMPORT_FIELDS,
    PERSON_PREFIXES,
    REACH_FIELDS,
)
from aicmo.errors import ImportFileError

__all__ = ["IMPORT_FIELDS", "HeaderMapping", "header_key", "map_headers", "parse_map_options"]

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NON_ALNUM = re.compile(r"[\W_]+")
_LINKED_IN = re.compile(r"\blinked in\b")
_FIELD_SEP = re.compile(r"[^a-z0-9]+")

# Normalised header key -> (lead field, rank within that field's aliases).
_ALIAS_INDEX: dict[str, tuple[str, int]] = {
    key: (field, rank) for field, keys in HEADER_ALIASES.items() for rank, key in enumerate(keys)
}
_FIELD_ORDER: dict[str, int] = {field: i for i, field in enumerate(HEADER_ALIASES)}
_SHOWN_HEADERS = 10


@dataclass(frozen=True)
class HeaderMapping:
    fields: dict[str, tuple[str, ...]]
    """lead field -> source headers, in priority order (the first non-empty value wins)"""
    custom: tuple[str, ...]
    """headers neither mapped nor ignored: their values are kept as custom fields"""

    def extract(self, values: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """(lead field -> stripped non-empty value, custom header -> stripped non-empty value)."""
        found: dict[str, str] = {}
        get = values.get
        for field, sources in self.fields.items():
            for header in sources:
                value = get(header)
                if value and (value := value.strip()):
                    found[field] = value
                    break
        custom: dict[str, str] = {}
        for header in self.custom:
            value = get(header)
            if value and (value := value.strip()):
                custom[header] = value
        return found, custom


def header_key(header: str) -> str:
    """'First Name', 'first_name', 'firstName', 'FIRST-NAME' -> 'first name'."""
    key = _CAMEL.sub(" ", header.replace("\ufeff", ""))
    key = _NON_ALNUM.sub(" ", key.lower()).strip()
    return _LINKED_IN.sub("linkedin", key)


def _auto_field(key: str) -> tuple[str, int] | None:
    hit = _ALIAS_INDEX.get(key)
    if hit is not None:
        return hit
    for prefix in PERSON_PREFIXES:
        if key.startswith(prefix):
            return _ALIAS_INDEX.get(key[len(prefix):])
    return None


def _canonical_field(column: str, field: str) -> str | None:
    """An override's target field, or None for 'ignore'; ImportFileError if unknown."""
    name = field.strip().lower()
    if name in IGNORE_FIELDS:
        return None
    name = _FIELD_SEP.sub("_", name).strip("_")
    if name not in IMPORT_FIELDS:
        valid = ", ".join(sorted(IMPORT_FIELDS))
        raise ImportFileError(
            f"--map {column}={field}: unknown field {field!r}; valid fields: {valid}, ignore"
        )
    return name


def _find_column(column: str, headers: Sequence[str]) -> str:
    if column in headers:
        return column
    key = header_key(column)
    matches = [h for h in headers if header_key(h) == key]
    if len(matches) == 1:
        return matches[0]
    shown = ", ".join(repr(h) for h in headers)
    problem = "matches several columns" if matches else "is not a column of this file"
    raise ImportFileError(f"--map {column!r} {problem}; columns: {shown}")


def _resolve_overrides(headers: Sequence[str], overrides: Mapping[str, str]) -> dict[str, str | None]:
    return {
        _find_column(column, headers): _canonical_field(column, field) for column, field in overrides.items()
    }


def _missing_reach_error(headers: Sequence[str]) -> ImportFileError:
    shown = ", ".join(headers[:_SHOWN_HEADERS]) + (", …" if len(headers) > _SHOWN_HEADERS else "")
    return ImportFileError(
        f"no column for email, LinkedIn URL or website; found: {shown or '(no columns)'}; "
        "map one with --map COLUMN=email"
    )


def map_headers(headers: Sequence[str], overrides: Mapping[str, str] | None = None) -> HeaderMapping:
    """Map a file's headers onto lead fields; ``overrides`` ({column: field or 'ignore'}) win."""
    unique = [h for h in dict.fromkeys(headers) if h.strip()]
    resolved = _resolve_overrides(unique, overrides or {})
    override_rank = {column: i - len(resolved) for i, column in enumerate(resolved)}
    ranked: dict[str, list[tuple[int, int, str]]] = {}
    custom: list[str] = []
    for position, header in enumerate(unique):
        if header in resolved:
            field = resolved[header]
            if field is not None:
                ranked.setdefault(field, []).append((override_rank[header], position, header))
            continue
        hit = _auto_field(header_key(header))
        if hit is None:
            custom.append(header)
        else:
            ranked.setdefault(hit[0], []).append((hit[1], position, header))
    if not any(field in ranked for field in REACH_FIELDS):
        raise _missing_reach_error(unique)
    fields = {
        field: tuple(header for _, _, header in sorted(ranked[field]))
        for field in sorted(ranked, key=_FIELD_ORDER.__getitem__)
    }
    return HeaderMapping(fields=fields, custom=tuple(custom))


def parse_map_options(options: Sequence[str]) -> dict[str, str]:
    """["Col A=email", "Junk=ignore"] -> {"Col A": "email", "Junk": "ignore"}."""
    parsed: dict[str, str] = {}
    for option in options:
        column, sep, field = option.rpartition("=")
        column, field = column.strip(), field.strip()
        if not sep or not column or not field:
            raise ImportFileError(
                f"bad --map option {option!r}: expected COLUMN=FIELD, e.g. --map 'Work Email=email'"
            )
        if parsed.get(column, field) != field:
            raise ImportFileError(f"--map {column!r} given twice: {parsed[column]} and {field}")
        parsed[column] = field
    return parsed
