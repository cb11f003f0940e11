from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aicmo.cam.leads.enums import EmailStatus, LeadStatus, LinkedInStatus


class LeadFields(BaseModel):
    """Raw lead fields as a person or an API client gives them; normalised like an imported row."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    email: str | None = None
    title: str | None = None
    seniority: str | None = None
    department: str | None = None
    company_name: str | None = None
    company_domain: str | None = None
    company_size: str | int | None = None
    industry: str | None = None
    website: str | None = None
    linkedin_url: str | None = None
    sales_navigator_url: str | None = None
    contact_form_url: str | None = None
    phone: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    time_zone: str | None = None
    source: str | None = None
    tags: list[str] | str | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)


class LeadCreate(LeadFields):
    pass


class LeadUpdate(LeadFields):
    status: LeadStatus | None = None
    linkedin_status: LinkedInStatus | None = None


class GradeReasonRead(BaseModel):
    rule: str
    points: int
    detail: str


class LeadRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    email_status: EmailStatus
    title: str | None
    seniority: str | None
    department: str | None
    company_name: str | None
    company_domain: str | None
    company_size: int | None
    industry: str | None
    website: str | None
    linkedin_url: str | None
    sales_navigator_url: str | None = None
    contact_form_url: str | None
    phone: str | None
    city: str | None
    country: str | None
    time_zone: str | None
    source: str | None
    tags: list[str]
    custom_fields: dict[str, Any]
    status: LeadStatus
    grade: str | None
    score: int | None
    grade_reasons: list[GradeReasonRead]
    graded_at: datetime | None
    last_outreach_at: datetime | None
    linkedin_status: LinkedInStatus
    created_at: datetime
    updated_at: datetime

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class LeadPage(BaseModel):
    items: list[LeadRead]
    total: int
    page: int
    page_size: int


class RejectedRow(BaseModel):
    line: int = Field(description="Line of the file the row starts on (the header is line 1).")
    field: str | None = Field(description="The field at fault, when one is.")
    reason: str
    values: dict[str, str] = Field(description="The row as it was in the file, by column.")


class FlaggedField(BaseModel):
    line: int = Field(description="Line of the file the row starts on (the header is line 1).")
    field: str | None = Field(description="The field left out or cut; none for a line that is not valid UTF-8.")
    reason: str


class ImportSummary(BaseModel):
    """What an import did: rows read, inserted, merged into stored leads, and rejected (each with its reason)."""

    file: str
    format: str
    encoding: str
    dry_run: bool
    read: int = Field(description="Rows read: inserted + merged + rejected.")
    inserted: int = Field(description="Rows that made a new lead.")
    merged: int = Field(description="Rows merged into a lead stored before or made by an earlier row.")
    rejected: int
    joined: int = Field(0, description=(
        "Leads found by a row to be the same person as an older lead and merged into it, with their messages, "
        "tasks and history: the import leaves inserted - joined more leads than it found."))
    rejections: list[RejectedRow] = Field(description="The rejected rows, the first 1000 of them.")
    flagged: int = Field(0, description="Fields left out of (or cut in) rows that were kept, and lines read with "
                                        "bytes that are not UTF-8.")
    flags: list[FlaggedField] = Field(default_factory=list, description="The first 1000 of them, by line.")
    warnings: list[str]
