"""Small builders shared by the tests."""

import csv
import io
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.leads.models import LeadAliasDB, LeadDB

APOLLO_MIN_HEADERS = ["First Name", "Last Name", "Title", "Company", "Email", "Person Linkedin Url", "Website",
                      "# Employees", "Industry", "Country"]


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[Any]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def make_lead(**overrides: Any) -> dict[str, Any]:
    lead = {"first_name": "Jane", "last_name": "Doe", "email": "jane@acme.io", "title": "VP Engineering",
            "company_name": "Acme", "website": "https://acme.io", "country": "US"}
    lead.update(overrides)
    return lead


TIME_COLUMNS = ("created_at", "updated_at", "graded_at")


def snapshot(db: Session, *, with_times: bool = True) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every lead and alias row, every column: two equal snapshots mean the same database state."""
    db.expire_all()
    columns = [c for c in LeadDB.__table__.columns if with_times or c.name not in TIME_COLUMNS]
    leads = [tuple(row) for row in db.execute(select(*columns).order_by(LeadDB.id)).all()]
    aliases = [tuple(row) for row in db.execute(
        select(LeadAliasDB.__table__).order_by(LeadAliasDB.kind, LeadAliasDB.value)).all()]
    return leads, aliases
