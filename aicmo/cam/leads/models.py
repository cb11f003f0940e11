from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.cam.leads.enums import EmailStatus, KeyKind, LeadStatus, LinkedInStatus
from aicmo.db.base import Base, JSONType, UTCDateTime, str_enum, utcnow


class LeadDB(Base):
    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    email_status: Mapped[EmailStatus] = mapped_column(str_enum(EmailStatus), default=EmailStatus.UNKNOWN)
    title: Mapped[str | None] = mapped_column(String(300))
    seniority: Mapped[str | None] = mapped_column(String(50))
    department: Mapped[str | None] = mapped_column(String(100))
    company_name: Mapped[str | None] = mapped_column(String(300))
    company_domain: Mapped[str | None] = mapped_column(String(253), index=True)
    company_size: Mapped[int | None] = mapped_column(Integer)
    industry: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    linkedin_url: Mapped[str | None] = mapped_column(String(500), unique=True)
    # A Sales Navigator lead link: opens the person in Sales Navigator; not a public profile, not a dedupe key.
    sales_navigator_url: Mapped[str | None] = mapped_column(String(1000))
    contact_form_url: Mapped[str | None] = mapped_column(String(1000))
    phone: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(100))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(100))
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[LeadStatus] = mapped_column(str_enum(LeadStatus), default=LeadStatus.NEW, index=True)
    grade: Mapped[str | None] = mapped_column(String(1))
    score: Mapped[int | None] = mapped_column(Integer)
    grade_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Fingerprint of the grading profile used, so a changed profile finds the stale grades.
    graded_with: Mapped[str | None] = mapped_column(String(16))
    last_outreach_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    linkedin_status: Mapped[LinkedInStatus] = mapped_column(str_enum(LinkedInStatus), default=LinkedInStatus.NONE)
    # "full name|company domain", lower-cased: the third dedupe key.
    name_key: Mapped[str | None] = mapped_column(String(500), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


# Lists are best score first, then id: these serve that order with and without a grade filter.
Index("ix_leads_grade_score", LeadDB.grade, LeadDB.score.desc(), LeadDB.id)
Index("ix_leads_score", LeadDB.score.desc(), LeadDB.id)


class LeadAliasDB(Base):
    """A dedupe key a lead owns besides its current columns (e.g. a second email merged into it)."""

    __tablename__ = "lead_aliases"

    kind: Mapped[KeyKind] = mapped_column(str_enum(KeyKind), primary_key=True)
    value: Mapped[str] = mapped_column(String(500), primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)


class ImportLogDB(Base):
    __tablename__ = "lead_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(1000))
    file_format: Mapped[str] = mapped_column(String(10))
    encoding: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(20), default="running")
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    dry_run: Mapped[bool] = mapped_column(default=False)
    rejects_path: Mapped[str | None] = mapped_column(String(1000))
    message: Mapped[str | None] = mapped_column(Text)
