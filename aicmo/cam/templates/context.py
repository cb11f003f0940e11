"""The names a message template can use, built from a lead (any object or mapping) and the sender.

Values are copied as they are, None included: the renderer decides what an empty value means (an error,
unless the template gives a default).
"""

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

__all__ = ["CONTEXT_NAMES", "LEAD_FIELDS", "SENDER_FIELDS", "clean_company_name", "message_context"]

# Flat names, also under `lead`.
FLAT_FIELDS = ("first_name", "last_name", "full_name", "email", "title", "seniority", "department",
               "company_name", "company", "company_domain", "company_size", "industry", "website", "city",
               "country", "linkedin_url")
# Only under `lead`.
_LEAD_ONLY = ("id", "phone", "contact_form_url", "state", "time_zone", "tags", "grade", "score", "status")
LEAD_FIELDS = (*FLAT_FIELDS, *_LEAD_ONLY, "custom")
SENDER_FIELDS = ("name", "first_name", "email", "company", "title", "phone", "website", "signature")
CONTEXT_NAMES = frozenset((*FLAT_FIELDS, "custom", "lead", "sender"))

# Legal forms, compared lower-case without dots. The short ones are also ordinary words, so they count only
# when written with a capital or a dot ("Volvo AB", "Nestlé S.A.", not "made as").
_LEGAL_FORMS = frozenset({
    "inc", "incorporated", "corp", "corporation", "llc", "ltd", "limited", "llp", "plc", "gmbh", "mbh", "ggmbh",
    "sarl", "sas", "sasu", "srl", "spa", "sro", "pty", "pte", "pvt", "oyj", "aps", "a/s", "kft", "bhd", "sdn",
    "ltda", "sapi", "ohg", "eurl", "gbr", "lllp", "pllc", "zrt", "nyrt", "doo", "sprl", "bvba",
    "co", "ag", "sa", "bv", "nv", "ab", "as", "oy", "kg", "kk", "lp", "sl", "se", "cv", "ug",
})
_SHORT_FORMS = frozenset({"co", "ag", "sa", "bv", "nv", "ab", "as", "oy", "kg", "kk", "lp", "sl", "se", "cv", "ug"})
_PHRASES = re.compile(r"[\s,]+(?:sp\.?\s*z\.?\s*o\.?\s*o\.?|private\s+limited"
                      r"|s\.?\s*de\s+r\.?\s*l\.?(?:\s+de\s+c\.?\s*v\.?)?"
                      r"|s\.?\s*a\.?\s*de\s+c\.?\s*v\.?|gmbh\s*&\s*co\.?\s*kg)\s*$", re.IGNORECASE)
_TRAILING = " ,;&-–—"


def _is_legal_form(word: str) -> bool:
    key = word.lower().replace(".", "").strip(",")
    if key not in _LEGAL_FORMS:
        return False
    return key not in _SHORT_FORMS or word != word.lower() or "." in word


def clean_company_name(name: str | None) -> str | None:
    """The name to write in a sentence: legal suffixes dropped ("Acme, Inc." → "Acme"); never emptied."""
    if name is None:
        return None
    cleaned = " ".join(str(name).split())
    if not cleaned:
        return cleaned
    cleaned = _PHRASES.sub("", cleaned).rstrip(_TRAILING) or cleaned
    words = cleaned.split(" ")
    while len(words) > 1 and _is_legal_form(words[-1]):
        words.pop()
        while len(words) > 1 and words[-1] in ("&", "and", "-"):
            words.pop()
    result = " ".join(words).rstrip(_TRAILING)
    return result or cleaned


def _read(source: Mapping[str, Any] | object | None, name: str) -> Any:
    if source is None:
        return None
    if isinstance(source, Mapping):
        return source.get(name)
    try:
        return getattr(source, name, None)
    except Exception:  # a property that fails is a value the template cannot have
        return None


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return value.strip()
    return value


def _lead_fields(lead: Mapping[str, Any] | object) -> dict[str, Any]:
    fields = {name: _plain(_read(lead, name))
              for name in ("first_name", "last_name", "full_name", "email", "title", "seniority", "department",
                           "company_name", "company_domain", "company_size", "industry", "website", "city",
                           "country", "linkedin_url", *_LEAD_ONLY)}
    parts = [part for part in (fields["first_name"], fields["last_name"]) if part]
    if parts:
        fields["full_name"] = " ".join(parts)
    fields["company"] = clean_company_name(fields["company_name"])
    if isinstance(fields["tags"], (list, tuple)):
        fields["tags"] = list(fields["tags"])
    custom = _read(lead, "custom_fields")
    fields["custom"] = dict(custom) if isinstance(custom, Mapping) else {}
    return fields


def _sender_fields(sender: Mapping[str, Any] | object | None) -> dict[str, Any]:
    fields = {name: _plain(_read(sender, name)) for name in SENDER_FIELDS}
    if not fields["first_name"] and fields["name"]:
        fields["first_name"] = str(fields["name"]).split()[0]
    return fields


def message_context(lead: Mapping[str, Any] | object, sender: Mapping[str, Any] | object | None = None,
                    extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Flat names (first_name, company…), `custom`, `lead` (all of a lead's fields) and `sender`; then `extra`."""
    lead_fields = _lead_fields(lead)
    context: dict[str, Any] = {name: lead_fields[name] for name in FLAT_FIELDS}
    context["custom"] = lead_fields["custom"]
    context["lead"] = {name: lead_fields[name] for name in LEAD_FIELDS}
    context["sender"] = _sender_fields(sender)
    if extra:
        context.update(extra)
    return context
