from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from aicmo.cam.leads.enums import EmailStatus, LeadStatus, LinkedInStatus
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.templates.context import CONTEXT_NAMES, clean_company_name, message_context


@pytest.mark.parametrize(("raw", "clean"), [
    ("Acme Inc.", "Acme"),
    ("Acme Inc", "Acme"),
    ("Acme, Inc.", "Acme"),
    ("Initech Global Ltd", "Initech Global"),
    ("Initech Global Ltd.", "Initech Global"),
    ("Siemens AG", "Siemens"),
    ("Bosch GmbH", "Bosch"),
    ("Acme GmbH & Co. KG", "Acme"),
    ("Acme LLC", "Acme"),
    ("Globex Corp.", "Globex"),
    ("Globex Corporation", "Globex"),
    ("Nestlé S.A.", "Nestlé"),
    ("BP plc", "BP"),
    ("Philips B.V.", "Philips"),
    ("ING Bank N.V.", "ING Bank"),
    ("Volvo AB", "Volvo"),
    ("Foo Co., Ltd.", "Foo"),
    ("Acme Holdings Pty Ltd", "Acme Holdings"),
    ("Infosys Private Limited", "Infosys"),
    ("Widgets Sp. z o.o.", "Widgets"),
    ("Procter & Gamble Co.", "Procter & Gamble"),
    ("AT&T Inc.", "AT&T"),
    ("  Acme   Ltd ", "Acme"),
    ("The Coca-Cola Company", "The Coca-Cola Company"),
    ("Made as", "Made as"),
    ("Inc", "Inc"),
    ("", ""),
    (None, None),
])
def test_company_names_lose_their_legal_suffix(raw: str | None, clean: str | None) -> None:
    assert clean_company_name(raw) == clean


def lead_read(**overrides: object) -> LeadRead:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    fields: dict[str, object] = dict(
        id=7, first_name="José", last_name="Núñez", email="jose@acme.io", email_status=EmailStatus.VALID_MX,
        title="CTO", seniority="c_suite", department="engineering", company_name="Acme Inc.",
        company_domain="acme.io", company_size=120, industry="Software", website="https://acme.io",
        linkedin_url="https://linkedin.com/in/jose", contact_form_url=None, phone="+34600000000", city="Madrid",
        country="ES", time_zone="Europe/Madrid", source="apollo", tags=["vip"], custom_fields={"pain": "churn"},
        status=LeadStatus.NEW, grade="A", score=91, grade_reasons=[], graded_at=now, last_outreach_at=None,
        linkedin_status=LinkedInStatus.NONE, created_at=now, updated_at=now)
    fields.update(overrides)
    return LeadRead.model_validate(fields)


def test_the_context_has_flat_names_custom_lead_and_sender() -> None:
    context = message_context(lead_read(), {"name": "Sam Seller", "email": "sam@aicmo.io"})
    assert set(context) == CONTEXT_NAMES
    assert context["first_name"] == "José" and context["full_name"] == "José Núñez"
    assert context["company_name"] == "Acme Inc." and context["company"] == "Acme"
    assert context["company_size"] == 120 and context["country"] == "ES"
    assert context["custom"] == {"pain": "churn"}
    assert context["lead"]["first_name"] == "José" and context["lead"]["phone"] == "+34600000000"
    assert context["lead"]["status"] == "new" and context["lead"]["tags"] == ["vip"]
    assert context["lead"]["custom"] == {"pain": "churn"}
    assert context["sender"]["first_name"] == "Sam" and context["sender"]["email"] == "sam@aicmo.io"
    assert context["sender"]["phone"] is None


def test_a_mapping_or_any_object_works_as_a_lead() -> None:
    as_mapping = message_context({"first_name": "Zoë", "company_name": "Zürich AG"})
    as_object = message_context(SimpleNamespace(first_name="Zoë", company_name="Zürich AG"))
    assert as_mapping == as_object
    assert as_mapping["company"] == "Zürich" and as_mapping["email"] is None and as_mapping["custom"] == {}


def test_empty_values_stay_empty_for_the_renderer_to_judge() -> None:
    context = message_context(lead_read(first_name=None, company_name=None))
    assert context["first_name"] is None and context["company"] is None
    assert context["full_name"] == "Núñez"


def test_no_sender_gives_empty_sender_fields() -> None:
    assert message_context({"first_name": "A"})["sender"] == dict.fromkeys(
        ("name", "first_name", "email", "company", "title", "phone", "website", "signature"))


def test_extra_is_merged_last() -> None:
    context = message_context({"first_name": "A"}, extra={"first_name": "B", "meeting_link": "https://cal"})
    assert context["first_name"] == "B" and context["meeting_link"] == "https://cal"
