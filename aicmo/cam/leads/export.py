import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from aicmo.cam.leads.models import LeadDB

EXPORT_COLUMNS: tuple[str, ...] = (
    "id", "grade", "score", "status", "first_name", "last_name", "email", "email_status", "title", "seniority",
    "department", "company_name", "company_domain", "company_size", "industry", "website", "linkedin_url",
    "sales_navigator_url", "contact_form_url", "phone", "city", "country", "time_zone", "source", "tags",
    "linkedin_status", "grade_reasons", "custom_fields", "graded_at", "last_outreach_at", "created_at", "updated_at",
)


def lead_record(lead: LeadDB) -> dict[str, Any]:
    record = {column: getattr(lead, column) for column in EXPORT_COLUMNS}
    for name in ("graded_at", "last_outreach_at", "created_at", "updated_at"):
        if record[name] is not None:
            record[name] = record[name].isoformat()
    for name in ("status", "email_status", "linkedin_status"):
        record[name] = str(record[name].value if hasattr(record[name], "value") else record[name])
    return record


def _csv_value(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "; ".join(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_leads(leads: Iterable[LeadDB], out: TextIO, file_format: str) -> int:
    """Write leads to an open text stream as csv, json or jsonl; return the count."""
    count = 0
    if file_format == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        for lead in leads:
            writer.writerow({k: _csv_value(v) for k, v in lead_record(lead).items()})
            count += 1
    elif file_format == "jsonl":
        for lead in leads:
            out.write(json.dumps(lead_record(lead), ensure_ascii=False) + "\n")
            count += 1
    elif file_format == "json":
        out.write("[")
        for lead in leads:
            out.write(("," if count else "") + "\n" + json.dumps(lead_record(lead), ensure_ascii=False))
            count += 1
        out.write("\n]\n")
    else:
        raise ValueError(f"unknown format {file_format!r}: use csv, json or jsonl")
    return count
