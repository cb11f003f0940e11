"""Clean one imported lead row. Pure functions: no database, no network.

``normalize_lead`` turns the output of ``HeaderMapping.extract`` into the values of a lead, or raises
``RowRejected`` with the field at fault and a reason a user can act on. It runs once per imported row, so
every regex is compiled at import and every lookup over a small value space is cached (bounded). The
single-value cleaners (email, URLs, phone, country, size) live in ``values`` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aicmo.cam.leads.enums import EmailStatus
from aicmo.cam.leads.names import (
    name_key,
    normalize_department,
    normalize_seniority,
    recase_name,
    seniority_from_title,
    split_full_name,
    split_tags,
)
from aicmo.cam.leads.values import (
    canonical_linkedin_url,
    company_size,
    contact_form_url,
    country_region,
    is_sales_navigator_url,
    normalize_email,
    normalize_phone,
    registrable_domain,
    sales_navigator_url,
    time_zone_name,
    website_domain,
)
from aicmo.cam.leads.vocab import FREE_MAIL_DOMAINS, NON_COMPANY_DOMAINS

__all__ = [
    "FREE_MAIL_DOMAINS", "MAX_VALUE_LENGTH", "UNREACHABLE", "FieldCut", "RowRejected", "canonical_linkedin_url",
    "company_size", "contact_form_url", "country_region", "name_key", "normalize_department",
    "normalize_email", "normalize_lead", "normalize_phone", "normalize_seniority", "recase_name",
    "seniority_from_title", "split_full_name", "split_tags", "time_zone_name", "website_domain",
]

MAX_VALUE_LENGTH = 1000
UNREACHABLE = "unreachable: no email, LinkedIn URL or website"
_REACH_FIELDS = frozenset({"email", "linkedin_url", "sales_navigator_url", "website", "company_domain",
                           "contact_form_url"})


class RowRejected(Exception):
    """One row cannot be imported; ``field`` is the lead field at fault (None: the row as a whole)."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


class FieldCut(RowRejected):
    """A value kept only in part: the row is imported with the cut value."""


# --- the row --------------------------------------------------------------------------------------------
def _shown(value: str) -> str:
    return repr(value if len(value) <= 80 else value[:80] + "…")


def _clean(value: str | None) -> str | None:
    """Inner whitespace runs collapsed; None for absent or blank."""
    return (" ".join(value.split()) or None) if value else None


def _checked(fields: Mapping[str, str], field: str, clean: Callable[[str], str], problem: str,
             dropped: list[RowRejected] | None) -> str | None:
    raw = fields.get(field)
    if not raw or raw.isspace():
        return None
    try:
        return clean(raw)
    except ValueError as exc:
        _drop(RowRejected(field, f"{problem}: {_shown(raw)} ({exc})"), dropped)
        return None


def _drop(problem: RowRejected, dropped: list[RowRejected] | None) -> None:
    """Keep the problem for the row's warnings, or without a list to keep it in, refuse the row."""
    if dropped is None:
        raise problem
    dropped.append(problem)


def _within_limits(fields: Mapping[str, str], custom: Mapping[str, str], dropped: list[RowRejected] | None,
                   max_custom: int | None) -> tuple[Mapping[str, str], Mapping[str, str]]:
    """The fields with every value that is too long or holds a NUL character dropped; long custom values cut."""
    bad = [field for field, value in fields.items() if len(value) > MAX_VALUE_LENGTH or "\x00" in value]
    for field in bad:
        value = fields[field]
        reason = "contains a NUL character" if "\x00" in value else f"too long ({len(value)} characters)"
        _drop(RowRejected(field, reason), dropped)
    if bad:
        fields = {field: value for field, value in fields.items() if field not in bad}
    odd = [f for f, v in custom.items() if "\x00" in v or "\x00" in f or (max_custom and len(v) > max_custom)]
    if odd:
        custom = dict(custom)
        for field in odd:
            value = custom.pop(field)
            if "\x00" in value or "\x00" in field:
                _drop(RowRejected(field.replace("\x00", ""), "contains a NUL character"), dropped)
            else:
                custom[field] = value[:max_custom]
                _drop(FieldCut(field, f"too long ({len(value)} characters); cut to {max_custom}"), dropped)
    return fields, custom


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


def _linkedin(fields: Mapping[str, str], dropped: list[RowRejected] | None) -> tuple[str | None, str | None]:
    """(public profile URL, Sales Navigator link): a Sales Navigator link in the profile column is kept apart."""
    profile, sales = fields.get("linkedin_url"), fields.get("sales_navigator_url")
    if profile and "/sales/" in profile and is_sales_navigator_url(profile):
        fields = {"sales_navigator_url": sales or profile}
    profile_url = _checked(fields, "linkedin_url", canonical_linkedin_url, "not a LinkedIn profile URL", dropped)
    if "sales_navigator_url" not in fields:
        return profile_url, None
    return profile_url, _checked(fields, "sales_navigator_url", sales_navigator_url, "not a Sales Navigator link",
                                 dropped)


def _unreachable(dropped: list[RowRejected] | None, sales_url: str | None) -> RowRejected:
    """Why a row reaches no one: the first contact field left out, if any, else what it lacks."""
    left_out = [problem for problem in dropped or () if problem.field in _REACH_FIELDS]
    if left_out:
        return left_out[0]
    if sales_url:
        return RowRejected("linkedin_url", "a Sales Navigator link, not a public profile, and no email or website")
    return RowRejected(None, UNREACHABLE)


def normalize_lead(
    fields: Mapping[str, str], custom: Mapping[str, str], *, default_region: str | None = None,
    dropped: list[RowRejected] | None = None, max_custom: int | None = None,
) -> dict[str, Any]:
    """A row (lead fields, custom fields) -> the values of a lead; RowRejected when it cannot be imported.

    With a ``dropped`` list a bad field is left out and its problem added there, as long as the row keeps a
    way to reach the person; without one the first bad field refuses the row.
    """
    fields, custom = _within_limits(fields, custom, dropped, max_custom)
    email = _checked(fields, "email", normalize_email, "not a valid address", dropped)
    linkedin_url, sales_url = _linkedin(fields, dropped)
    website = _checked(fields, "website", website_domain, "not a website address", dropped)
    explicit_domain = _checked(fields, "company_domain", website_domain, "not a domain name", dropped)
    form_url = _checked(fields, "contact_form_url", contact_form_url, "not an http(s) URL", dropped)
    if not (email or linkedin_url or website or explicit_domain or form_url):
        raise _unreachable(dropped, sales_url)
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
        "sales_navigator_url": sales_url,
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
