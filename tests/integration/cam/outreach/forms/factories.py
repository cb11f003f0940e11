"""Builders for the contact-form tests and the form benchmark: the sender, settings, leads and messages."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.domain import Channel, OutreachMessage
from aicmo.cam.outreach.forms.channel import ContactFormOutreachService
from aicmo.cam.outreach.forms.model import SenderIdentity
from aicmo.settings import Settings

SENDER = SenderIdentity(full_name="Sam Sender", first_name="Sam", last_name="Sender", email="sam@sender.example",
                        company="Sender GmbH", phone="+49 30 1234567", website="https://sender.example")


def local_settings(**overrides: Any) -> Settings:
    """Settings for talking to the local test site: loopback allowed, short timeouts."""
    values: dict[str, Any] = {"allow_private_network": True, "http_timeout": 2.0, "http_max_bytes": 200_000,
                              "http_max_redirects": 5, "form_submissions_per_domain": 1}
    return Settings(**(values | overrides))


def make_lead(lead_id: int = 1, **fields: Any) -> LeadRead:
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "id": lead_id, "first_name": "Lea", "last_name": "Lead", "email": None, "email_status": "unknown",
        "title": None, "seniority": None, "department": None, "company_name": "Lead Corp", "company_domain": None,
        "company_size": None, "industry": None, "website": None, "linkedin_url": None, "contact_form_url": None,
        "phone": None, "city": None, "country": None, "time_zone": None, "source": None, "tags": [],
        "custom_fields": {}, "status": "new", "grade": None, "score": None, "grade_reasons": [], "graded_at": None,
        "last_outreach_at": None, "linkedin_status": "none", "created_at": now, "updated_at": now}
    return LeadRead.model_validate(values | fields)


def make_message(lead_id: int = 1, **fields: Any) -> OutreachMessage:
    values: dict[str, Any] = {"subject": "Quick question", "body": "Hello,\nwe help teams like yours.\nSam",
                              "channel": Channel.CONTACT_FORM, "campaign_id": None}
    return OutreachMessage(lead_id=lead_id, **(values | fields))


ServiceFactory = Callable[..., ContactFormOutreachService]
