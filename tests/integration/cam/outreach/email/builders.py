"""Leads, mailboxes and services for the email channel tests."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.leads.enums import EmailStatus, LeadStatus, LinkedInStatus
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.domain import OutreachMessage, SmtpSecurity
from aicmo.cam.outreach.email.channel import EmailOutreachService
from aicmo.cam.outreach.email.mailbox import Mailbox
from aicmo.settings import Settings
from tests.support.smtp_server import ScriptedSmtpServer

SETTINGS = Settings(public_base_url="https://app.example.com/", secret_key="test-secret", smtp_timeout=5.0)


def lead(**overrides: Any) -> LeadRead:
    """A lead as the channel receives it (no database needed)."""
    now = datetime.now(UTC)
    fields: dict[str, Any] = {
        "id": 7, "first_name": "Jane", "last_name": "Doe", "email": "jane@acme.io",
        "email_status": EmailStatus.VALID_SYNTAX, "title": "VP Engineering", "seniority": None, "department": None,
        "company_name": "Acme", "company_domain": "acme.io", "company_size": None, "industry": None,
        "website": "acme.io", "linkedin_url": None, "contact_form_url": None, "phone": None, "city": None,
        "country": "US", "time_zone": None, "source": None, "tags": [], "custom_fields": {},
        "status": LeadStatus.NEW, "grade": None, "score": None, "grade_reasons": [], "graded_at": None,
        "last_outreach_at": None, "linkedin_status": LinkedInStatus.NONE, "created_at": now, "updated_at": now,
    }
    fields.update(overrides)
    return LeadRead(**fields)


def message(**overrides: Any) -> OutreachMessage:
    fields: dict[str, Any] = {"lead_id": 7, "subject": "Quick question", "body": "Hi Jane,\n\nShall we talk?"}
    fields.update(overrides)
    return OutreachMessage(**fields)


def mailbox(server: ScriptedSmtpServer, name: str = "sales", **overrides: Any) -> Mailbox:
    fields: dict[str, Any] = {
        "name": name, "from_address": f"{name}@seller.example", "from_name": "John Seller",
        "smtp_host": server.host, "smtp_port": server.port, "smtp_security": SmtpSecurity.NONE,
    }
    fields.update(overrides)
    return Mailbox(**fields)


def service(*mailboxes: Mailbox, sessions: sessionmaker[Session] | None = None,
            **options: Any) -> EmailOutreachService:
    options.setdefault("settings", SETTINGS)
    return EmailOutreachService(list(mailboxes), sessions or sessionmaker(), **options)
