"""Outcomes from a CRM's deals export (HubSpot, Pipedrive, Salesforce, or any CSV/JSON with the same sense).

Each row names its lead by aicmo lead id, email or LinkedIn URL, and its stage, value, currency and date under
the column names those exports use. A row that cannot be read is rejected with its line and why; the file as a
whole is refused only when no column can name a lead or a stage. With a deal id column, importing the same file
again updates the deals instead of adding them twice.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.leads.enums import KeyKind
from aicmo.cam.leads.models import LeadAliasDB, LeadDB
from aicmo.cam.leads.readers import RawRow
from aicmo.cam.leads.service import find_current
from aicmo.cam.leads.values import canonical_linkedin_url, normalize_email
from aicmo.cam.outcomes.models import OutcomeDB, OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeImportResult, RejectedRow
from aicmo.cam.outcomes.service import add, cents, currency_code
from aicmo.errors import ImportFileError, InvalidOutcome

# Header names as exports spell them, compared without case, spaces or punctuation.
_COLUMNS = {
    "deal_id": ("dealid", "recordid", "opportunityid", "externalid", "id", "crmid"),
    "lead_id": ("leadid", "aicmoleadid"),
    "email": ("email", "emailaddress", "contactemail", "personemail", "associatedcontactemail", "primaryemail",
              "workemail"),
    "linkedin": ("linkedin", "linkedinurl", "linkedinprofile", "linkedinprofileurl", "personlinkedinurl"),
    "kind": ("kind", "outcome", "stage", "dealstage", "stagename", "status", "dealstatus"),
    "value": ("value", "amount", "dealvalue", "dealamount", "amountincompanycurrency"),
    "currency": ("currency", "currencycode", "dealcurrency", "dealcurrencycode", "currencyisocode"),
    "at": ("at", "date", "closedate", "closedat", "wontime", "dealwontime", "occurredat", "meetingdate",
           "createdate"),
    "note": ("note", "notes", "dealname", "dealtitle", "name", "opportunityname", "title"),
}
# Stage words, folded; anything else that is not empty is an open deal.
_STAGES = [
    (re.compile(r"\b(?:closed ?won|won|gewonnen|gagne|ganado|vinto|gewonnen)\b"), OutcomeKind.WON),
    (re.compile(r"\b(?:closed ?lost|lost|verloren|perdu|perdido|perso)\b"), OutcomeKind.LOST),
    (re.compile(r"\bpositive ?reply\b"), OutcomeKind.POSITIVE_REPLY),
    (re.compile(r"\b(?:meeting|appointment|demo (?:booked|scheduled)|call (?:booked|scheduled)|termin)"),
     OutcomeKind.MEETING),
]


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def column_map(headers: Iterable[str]) -> dict[str, str]:
    """Which file column feeds each field: the first header, in the file's order, that names it."""
    found: dict[str, str] = {}
    keys = [(header, _key(header)) for header in headers]
    for field, names in _COLUMNS.items():
        for header, key in keys:
            # "Deal - Value" and "Person - Email" (Pipedrive) read as "dealvalue" and "personemail".
            if key in names and field not in found:
                found[field] = header
    return found


def stage_kind(raw: str) -> OutcomeKind | None:
    """The outcome a CRM stage means; None for a deleted deal."""
    spaced = raw.lower().replace("closedwon", "closed won").replace("closedlost", "closed lost")
    folded = re.sub(r"[^a-z ]", " ", spaced)
    if "deleted" in folded:
        return None
    for pattern, kind in _STAGES:
        if pattern.search(folded):
            return kind
    try:
        return OutcomeKind(raw.strip().lower())
    except ValueError:
        return OutcomeKind.OPPORTUNITY


def parse_time(raw: str) -> datetime:
    """ISO 8601 (a date, or a date and time; no zone means UTC)."""
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidOutcome("at", f"{raw!r} is not an ISO 8601 date (e.g. 2026-03-01 or 2026-03-01T14:30)") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class _Row:
    lead_id: int
    kind: OutcomeKind
    value_cents: int | None
    currency: str | None
    at: datetime | None
    deal_id: str | None
    note: str | None


def _lead(db: Session, values: dict[str, str], columns: dict[str, str]) -> int:
    tried = []
    if (raw := values.get(columns.get("lead_id", ""), "").strip()):
        lead = find_current(db, int(raw)) if raw.isdigit() and int(raw) < 2**31 else None
        if lead is not None:
            return lead.id
        tried.append(f"lead id {raw}")
    for field, normalize, column, kind in (("email", normalize_email, LeadDB.email, KeyKind.EMAIL),
                                           ("linkedin", canonical_linkedin_url, LeadDB.linkedin_url, KeyKind.LINKEDIN)):
        if not (raw := values.get(columns.get(field, ""), "").strip()):
            continue
        try:
            key = normalize(raw)
        except ValueError as exc:
            tried.append(f"{field} {raw!r} ({exc})")
            continue
        found = db.scalar(select(LeadDB.id).where(column == key)) or db.scalar(
            select(LeadAliasDB.lead_id).where(LeadAliasDB.kind == kind, LeadAliasDB.value == key))
        if found is not None:
            return found
        tried.append(f"{field} {key}")
    raise InvalidOutcome("lead", "no lead has " + " or ".join(tried) if tried else "no lead id, email or LinkedIn URL")


def _read(db: Session, row: RawRow, columns: dict[str, str]) -> _Row:
    def cell(field: str) -> str:
        return row.values.get(columns.get(field, ""), "").strip()

    lead_id = _lead(db, row.values, columns)
    stage = cell("kind")
    kind = stage_kind(stage) if stage else (OutcomeKind.OPPORTUNITY if cell("value") else None)
    if kind is None:
        raise InvalidOutcome("kind", f"deal stage {stage!r}: a deleted deal" if stage else "no stage or kind")
    value = cents(cell("value") or None)
    if kind not in (OutcomeKind.OPPORTUNITY, OutcomeKind.WON, OutcomeKind.LOST):
        value = None  # a meeting's row may carry the deal's expected amount; it is not the meeting's value
    return _Row(lead_id=lead_id, kind=kind, value_cents=value,
                currency=currency_code(cell("currency") or None) if value is not None else None,
                at=parse_time(cell("at")) if cell("at") else None, deal_id=cell("deal_id") or None,
                note=cell("note")[:2000] or None)


def import_rows(db: Session, headers: list[str], rows: Iterable[RawRow], *, source: str = "import",
                default_currency: str | None = None) -> OutcomeImportResult:
    """Add or update an outcome per readable row, in the caller's transaction; list the others with why."""
    columns = column_map(headers)
    if not {"lead_id", "email", "linkedin"} & columns.keys():
        raise ImportFileError("no column names a lead: expected one of lead_id, email, LinkedIn URL "
                              f"(found: {', '.join(headers[:12])})")
    if not {"kind", "value"} & columns.keys():
        raise ImportFileError("no column gives the outcome: expected a kind, stage or status column, or an amount")
    read = added = updated = 0
    rejected: list[RejectedRow] = []
    for row in rows:
        read += 1
        try:
            outcome = _read(db, row, columns)
        except InvalidOutcome as exc:
            rejected.append(RejectedRow(line=row.line, reason=str(exc)))
            continue
        currency = outcome.currency or (default_currency if outcome.value_cents is not None else None)
        existing = outcome.deal_id is not None and db.scalar(select(OutcomeDB.id).where(
            OutcomeDB.source == source, OutcomeDB.external_id == outcome.deal_id)) is not None
        try:
            add(db, lead_id=outcome.lead_id, kind=outcome.kind, occurred_at=outcome.at, value_cents=outcome.value_cents,
                currency=currency, source=source, external_id=outcome.deal_id, note=outcome.note)
        except InvalidOutcome as exc:
            rejected.append(RejectedRow(line=row.line, reason=str(exc)))
            continue
        updated += existing
        added += not existing
    return OutcomeImportResult(read=read, added=added, updated=updated, rejected=rejected)
