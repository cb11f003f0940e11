"""Turn raw rows into normalised, graded lead values: pure work, so it can run in another process."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String

from aicmo.cam.grading.profile import GradingProfile
from aicmo.cam.grading.rules import grade_lead
from aicmo.cam.leads.enums import LeadStatus, LinkedInStatus
from aicmo.cam.leads.headers import HeaderMapping
from aicmo.cam.leads.merge import company_key
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.normalize import FieldCut, RowRejected, name_key, normalize_lead
from aicmo.cam.leads.readers import REFUSED, RawRow
from aicmo.cam.leads.rejects import Rejection
from aicmo.db import json_codec
from aicmo.db.json_codec import JsonText

# The longest text each column holds: PostgreSQL refuses a longer value, so the row is refused first, by name.
KEEP_OR_REFUSE = frozenset({"email", "linkedin_url", "website", "company_domain", "contact_form_url"})
STORED_LENGTHS = {column.name: column.type.length for column in LeadDB.__table__.columns
                  if isinstance(column.type, String) and column.type.length}


@dataclass(frozen=True)
class PrepareContext:
    mapping: HeaderMapping
    profile: GradingProfile
    now: datetime
    source: str | None = None
    default_region: str | None = None
    max_custom: int | None = None  # characters of a custom field's value kept


@dataclass
class PreparedRows:
    rows: int = 0
    leads: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    # Fields left out of (or cut in) rows that were kept, each with its line and reason.
    flagged: list[Rejection] = field(default_factory=list)


def identity_key(lead: dict[str, Any]) -> str | None:
    """The name key, or for a row with no person at all (no name, email or LinkedIn), the company key."""
    key = name_key(lead.get("first_name"), lead.get("last_name"), lead.get("company_domain"))
    if key is None and not any(lead.get(f) for f in ("first_name", "last_name", "email", "linkedin_url")):
        key = company_key(lead.get("company_domain"))
    return key


def check_stored_lengths(lead: dict[str, Any], dropped: list[RowRejected] | None = None) -> None:
    """RowRejected naming the field whose normalised value is longer than its column holds.

    With a ``dropped`` list, a field that neither reaches the person nor identifies them is left out instead.
    """
    for name, limit in STORED_LENGTHS.items():
        value = lead.get(name)
        if isinstance(value, str) and len(value) > limit:
            if name == "name_key":
                raise RowRejected(None, f"the name and company domain are too long together ({len(value)} "
                                        f"characters; at most {limit})")
            problem = RowRejected(name, f"too long ({len(value)} characters; at most {limit})")
            if dropped is None or name in KEEP_OR_REFUSE:
                raise problem
            dropped.append(problem)
            lead[name] = None


def grade_fields(lead: dict[str, Any], profile: GradingProfile, now: datetime, *,
                 reasons_as_text: bool = False) -> dict[str, Any]:
    """The grade columns. With `reasons_as_text` the reasons come as JsonText, for the bulk insert alone."""
    result = grade_lead(lead, profile)
    reasons: Any = [r.as_dict() for r in result.reasons]
    if reasons_as_text:
        reasons = JsonText(json_codec.dumps(reasons))
    return {"grade": result.grade.value, "score": result.score, "grade_reasons": reasons,
            "graded_at": now, "graded_with": profile.fingerprint}


def prepare_rows(context: PrepareContext, rows: list[RawRow]) -> PreparedRows:
    """Normalise and grade each row; rejected rows come back with their line and reason."""
    prepared = PreparedRows(rows=len(rows))
    extract = context.mapping.extract
    for raw in rows:
        if (refused := raw.values.get(REFUSED)) is not None:
            prepared.rejections.append(Rejection(raw.line, None, refused, raw.values))
            continue
        fields, custom = extract(raw.values)
        dropped: list[RowRejected] = []
        try:
            lead = normalize_lead(fields, custom, default_region=context.default_region, dropped=dropped,
                                  max_custom=context.max_custom)
            if lead["name_key"] is None:
                lead["name_key"] = identity_key(lead)
            check_stored_lengths(lead, dropped)
        except RowRejected as exc:
            prepared.rejections.append(Rejection(raw.line, exc.field, exc.reason, raw.values))
            continue
        for problem in dropped:
            kept = "" if isinstance(problem, FieldCut) else "; left out"
            prepared.flagged.append(Rejection(raw.line, problem.field, problem.reason + kept, {}))
        if not lead.get("source"):
            lead["source"] = context.source
        # Graded here, where it costs the main process nothing; a lead merged later is graded again.
        lead.update(grade_fields(lead, context.profile, context.now, reasons_as_text=True))
        lead.setdefault("status", LeadStatus.NEW)
        lead.setdefault("linkedin_status", LinkedInStatus.NONE)
        prepared.leads.append(lead)
    return prepared
