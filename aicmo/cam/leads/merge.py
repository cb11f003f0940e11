"""Dedupe keys and merge rules for leads: plain functions, no database."""

from collections.abc import Mapping
from typing import Any

from aicmo.cam.leads.enums import KeyKind, LeadStatus, LinkedInStatus

# Fields a duplicate row may fill (or, with overwrite, replace) on the lead it merges into.
MERGEABLE_FIELDS: tuple[str, ...] = (
    "first_name", "last_name", "email", "email_status", "title", "seniority", "department",
    "company_name", "company_domain", "company_size", "industry", "website", "linkedin_url", "sales_navigator_url",
    "contact_form_url", "phone", "city", "country", "time_zone", "source",
)
KEY_COLUMNS: dict[KeyKind, str] = {
    KeyKind.EMAIL: "email",
    KeyKind.LINKEDIN: "linkedin_url",
    KeyKind.NAME: "name_key",
}
Key = tuple[KeyKind, str]
# A person who opted out under one record of them has opted out under all.
OPTED_OUT = frozenset({LeadStatus.UNSUBSCRIBED, LeadStatus.DO_NOT_CONTACT})


def company_key(domain: str | None) -> str | None:
    """Key for a company-level row (a website, no person): one lead per company domain."""
    return f"|{domain}" if domain else None


def lead_keys(row: Mapping[str, Any]) -> list[Key]:
    """The row's dedupe keys, strongest first: email, LinkedIn profile, full name at company domain."""
    keys: list[Key] = []
    for kind, column in KEY_COLUMNS.items():
        value = row.get(column)
        if value:
            keys.append((kind, value))
    return keys


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def merge_lead(existing: Mapping[str, Any], incoming: Mapping[str, Any], *, overwrite: bool) -> dict[str, Any]:
    """Return the changes merging `incoming` into `existing` makes.

    Non-empty existing values are kept and gaps filled, unless `overwrite`; an empty incoming value never
    erases anything. Tags are united and custom fields added key by key.
    """
    changes: dict[str, Any] = {}
    for field in MERGEABLE_FIELDS:
        new = incoming.get(field)
        if _empty(new) or field == "email_status":
            continue
        old = existing.get(field)
        if (_empty(old) or overwrite) and old != new:
            changes[field] = new
            if field == "email":
                changes["email_status"] = incoming.get("email_status")
    tags = list(existing.get("tags") or [])
    known = {tag.casefold() for tag in tags}
    added = []
    for tag in incoming.get("tags") or []:
        if tag.casefold() not in known:
            known.add(tag.casefold())
            added.append(tag)
    if added:
        changes["tags"] = tags + added
    custom = dict(existing.get("custom_fields") or {})
    fresh = {k: v for k, v in (incoming.get("custom_fields") or {}).items()
             if not _empty(v) and (overwrite or _empty(custom.get(k))) and custom.get(k) != v}
    if fresh:
        changes["custom_fields"] = {**custom, **fresh}
    return changes


def join_changes(survivor: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, Any]:
    """Return the changes a lead makes when it absorbs another record of the same person.

    Fields merge as for a duplicate row, the survivor's values winning. Of the outreach state, an opt-out
    always carries over, otherwise a status fills only a survivor still new; the last outreach is the later.
    """
    changes = merge_lead(survivor, other, overwrite=False)
    status, theirs = survivor.get("status"), other.get("status")
    if theirs and theirs != status and status not in OPTED_OUT and (
            theirs in OPTED_OUT or status in (None, LeadStatus.NEW)):
        changes["status"] = theirs
    linkedin = other.get("linkedin_status")
    if linkedin and linkedin != LinkedInStatus.NONE and survivor.get("linkedin_status") in (None, LinkedInStatus.NONE):
        changes["linkedin_status"] = linkedin
    ours_at, theirs_at = survivor.get("last_outreach_at"), other.get("last_outreach_at")
    if theirs_at is not None and (ours_at is None or theirs_at > ours_at):
        changes["last_outreach_at"] = theirs_at
    return changes
