"""Clean one imported lead row. Pure functions: no database, no network.

``normalize_lead`` turns the output of ``HeaderMapping.extract`` into the values of a lead, or raises
``RowRejected`` with the field at fault and a reason a user can act on. It runs once per imported row, so
every regex is compiled at import and every lookup over a small value space is cached (bounded). The
single-value cleaners (email, URLs, phone, country, size) live in ``values`` and are re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from nameparser import HumanName
from nameparser.config import CONSTANTS

from aicmo.cam.leads.enums import EmailStatus
from aicmo.cam.leads.values import (
    canonical_linkedin_url,
    company_size,
    contact_form_url,
    country_region,
    normalize_email,
    normalize_phone,
    registrable_domain,
    time_zone_name,
    website_domain,
)
from aicmo.cam.leads.vocab import (
    DEPARTMENT_ALIASES,
    FREE_MAIL_DOMAINS,
    NAME_PARTICLES,
    NON_COMPANY_DOMAINS,
    SENIORITY_ALIASES,
    SENIORITY_TITLE_PATTERNS,
)

__all__ = [
    "FREE_MAIL_DOMAINS", "MAX_VALUE_LENGTH", "UNREACHABLE", "RowRejected", "canonical_linkedin_url",
    "company_size", "contact_form_url", "country_region", "name_key", "normalize_department",
    "normalize_email", "normalize_lead", "normalize_phone", "normalize_seniority", "recase_name",
    "seniority_from_title", "split_full_name", "split_tags", "time_zone_name", "website_domain",
]

MAX_VALUE_LENGTH = 1000
UNREACHABLE = "unreachable: no email, LinkedIn URL or website"
_CACHE_SIZE = 65536


class RowRejected(Exception):
    """One row cannot be imported; ``field`` is the lead field at fault (None: the row as a whole)."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


# --- names, titles, seniority ---------------------------------------------------------------------------
_NAME_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*\Z")
_WORD_START = re.compile(r"(^|[-'’])(\w)")
_NON_ALNUM = re.compile(r"[\W_]+")
_LIST_SEP = re.compile(r"[,;|]")
_SENIORITY_TITLES = tuple((seniority, re.compile(p)) for seniority, p in SENIORITY_TITLE_PATTERNS)
_NOT_FIRST = CONSTANTS.titles | CONSTANTS.prefixes | CONSTANTS.conjunctions
_NOT_LAST = CONSTANTS.suffix_acronyms | CONSTANTS.suffix_not_acronyms | _NOT_FIRST
_ROMAN = re.compile(r"(?:x|ix|iv|v?i{0,3})\Z", re.IGNORECASE)  # nameparser reads these as generations


def _plain_pair(parts: list[str]) -> bool:
    """Two plain words nameparser reads as (first, last): skips its ~140 µs parse for the common case."""
    first, last = parts
    return (len(first) > 1 and len(last) > 1
            and _NAME_TOKEN.match(first) is not None and _NAME_TOKEN.match(last) is not None
            and _ROMAN.match(first) is None and _ROMAN.match(last) is None
            and first.lower() not in _NOT_FIRST and last.lower() not in _NOT_LAST)


def split_full_name(raw: str) -> tuple[str | None, str | None]:
    """'Dr. Jane van der Berg' -> ('Jane', 'van der Berg'); 'Smith, John' -> ('John', 'Smith')."""
    parts = raw.split()
    if not parts:
        return None, None
    if len(parts) == 2 and _plain_pair(parts):
        return parts[0], parts[1]
    name = HumanName(" ".join(parts))
    return str(name.first) or None, str(name.last) or None


def _upper_match(match: re.Match[str]) -> str:
    return match[1] + match[2].upper()


def recase_name(name: str) -> str:
    """'JANE VAN DER BERG' / 'jane van der berg' -> 'Jane van der Berg'; mixed case is kept as typed."""
    if not (name.isupper() or name.islower()):
        return name
    words = name.lower().split(" ")
    last = len(words) - 1
    for i, word in enumerate(words):
        if i < last and word in NAME_PARTICLES:
            continue
        word = _WORD_START.sub(_upper_match, word)
        if word.startswith("Mc") and len(word) > 2:
            word = "Mc" + word[2].upper() + word[3:]
        words[i] = word
    return " ".join(words)


def name_key(first: str | None, last: str | None, domain: str | None) -> str | None:
    """'jane van der berg|acme.com': the name-and-company dedupe key; None without a name or a domain."""
    name = " ".join(f"{first or ''} {last or ''}".split()).casefold()
    return f"{name}|{domain}" if name and domain else None


@lru_cache(maxsize=_CACHE_SIZE)
def seniority_from_title(title: str) -> str | None:
    """'Co-Founder & CEO' -> 'founder', 'VP Sales' -> 'vp', 'Product Owner' -> None."""
    text = _NON_ALNUM.sub(" ", title.lower())
    for seniority, pattern in _SENIORITY_TITLES:
        if pattern.search(text):
            return seniority
    return None


@lru_cache(maxsize=4096)
def normalize_seniority(value: str) -> str | None:
    """Apollo/Sales Navigator seniority values ('c_suite', 'Vice President', 'CXO') -> one of SENIORITIES."""
    return SENIORITY_ALIASES.get(_NON_ALNUM.sub(" ", value.lower()).strip())


@lru_cache(maxsize=4096)
def normalize_department(raw: str) -> str | None:
    """'master_sales, sales' -> 'sales'; 'Engineering' -> 'engineering'."""
    first = _LIST_SEP.split(raw, 1)[0].strip().lower().removeprefix("master_")
    words = " ".join(first.replace("_", " ").split())
    return DEPARTMENT_ALIASES.get(words, words) or None


def split_tags(raw: str) -> list[str]:
    """'a, b; a | c' -> ['a', 'b', 'c']: split on , ; | and deduplicated (case-insensitively), in order."""
    tags: dict[str, str] = {}
    for part in _LIST_SEP.split(raw):
        tag = " ".join(part.split())
        if tag:
            tags.setdefault(tag.casefold(), tag)
    return list(tags.values())


# --- the row --------------------------------------------------------------------------------------------
def _shown(value: str) -> str:
    return repr(value if len(value) <= 80 else value[:80] + "…")


def _clean(value: str | None) -> str | None:
    """Inner whitespace runs collapsed; None for absent or blank."""
    return (" ".join(value.split()) or None) if value else None


def _checked(fields: Mapping[str, str], field: str, clean: Callable[[str], str], problem: str) -> str | None:
    raw = fields.get(field)
    if not raw or raw.isspace():
        return None
    try:
        return clean(raw)
    except ValueError as exc:
        raise RowRejected(field, f"{problem}: {_shown(raw)} ({exc})") from None


def _check_lengths(fields: Mapping[str, str], custom: Mapping[str, str]) -> None:
    for field, value in fields.items():
        if len(value) > MAX_VALUE_LENGTH:
            raise RowRejected(field, f"too long ({len(value)} characters)")
        if "\x00" in value:  # PostgreSQL stores no NUL character, in text or in JSON
            raise RowRejected(field, "contains a NUL character")
    for field, value in custom.items():
        if "\x00" in value or "\x00" in field:
            raise RowRejected(field, "contains a NUL character")


def _names(fields: Mapping[str, str]) -> tuple[str | None, str | None]:
    first, last = _clean(fields.get("first_name")), _clean(fields.get("last_name"))
    full = fields.get("full_name")
    if full and not (first and last):
        full_first, full_last = split_full_name(full)
        first, last = first or full_first, last or full_last
    return (recase_name(first) if first else None), (recase_name(last) if last else None)


def _company_domain(explicit: str | None, website: str | None, email: str | None) -> str | None:
    """Explicit column > website > email domain; free-mail and social domains never name a company."""
    if explicit:
        return explicit
    if website and website not in FREE_MAIL_DOMAINS and website not in NON_COMPANY_DOMAINS:
        return website
    if not email:
        return None
    host = email.rpartition("@")[2]
    if host in FREE_MAIL_DOMAINS:
        return None
    try:
        domain = registrable_domain(host)
    except ValueError:
        return None
    return None if domain in FREE_MAIL_DOMAINS else domain


def _seniority(raw: str | None, title: str | None, extra: dict[str, str]) -> str | None:
    if raw:
        seniority = normalize_seniority(raw)
        if seniority is not None:
            return seniority
        extra["seniority_raw"] = raw
    return seniority_from_title(title) if title else None


def _kept_or_raw(raw: str | None, clean: str | None, key: str, extra: dict[str, str]) -> str | None:
    """``clean``; when it is None but ``raw`` was given, the raw text is kept in custom fields."""
    if raw and clean is None:
        extra[key] = raw
    return clean


def _phone(raw: str | None, default_region: str | None, country: str | None) -> str | None:
    if not raw:
        return None
    return normalize_phone(raw, default_region or (country_region(country) if country else None))


def normalize_lead(
    fields: Mapping[str, str], custom: Mapping[str, str], *, default_region: str | None = None
) -> dict[str, Any]:
    """A row (lead fields, custom fields) -> the values of a lead; RowRejected when it cannot be imported."""
    _check_lengths(fields, custom)
    email = _checked(fields, "email", normalize_email, "not a valid address")
    linkedin_url = _checked(fields, "linkedin_url", canonical_linkedin_url, "not a LinkedIn profile URL")
    website = _checked(fields, "website", website_domain, "not a website address")
    explicit_domain = _checked(fields, "company_domain", website_domain, "not a domain name")
    form_url = _checked(fields, "contact_form_url", contact_form_url, "not an http(s) URL")
    if not (email or linkedin_url or website or explicit_domain or form_url):
        raise RowRejected(None, UNREACHABLE)
    extra = dict(custom)
    first_name, last_name = _names(fields)
    company_domain = _company_domain(explicit_domain, website, email)
    title, country, phone, zone = (_clean(fields.get("title")), _clean(fields.get("country")),
                                   fields.get("phone"), fields.get("time_zone"))
    if state := _clean(fields.get("state")):
        extra["state"] = state
    size = fields.get("company_size")
    return {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "email_status": EmailStatus.VALID_SYNTAX if email else EmailStatus.UNKNOWN,
        "title": title,
        "seniority": _seniority(fields.get("seniority"), title, extra),
        "department": normalize_department(fields["department"]) if "department" in fields else None,
        "company_name": _clean(fields.get("company_name")),
        "company_domain": company_domain,
        "company_size": company_size(size) if size else None,
        "industry": _clean(fields.get("industry")),
        "website": website,
        "linkedin_url": linkedin_url,
        "contact_form_url": form_url,
        "phone": _kept_or_raw(phone, _phone(phone, default_region, country), "phone_raw", extra),
        "city": _clean(fields.get("city")),
        "country": country,
        "time_zone": _kept_or_raw(zone, time_zone_name(zone) if zone else None, "time_zone_raw", extra),
        "source": _clean(fields.get("source")),
        "tags": split_tags(fields["tags"]) if "tags" in fields else [],
        "custom_fields": extra,
        "name_key": name_key(first_name, last_name, company_domain),
    }
