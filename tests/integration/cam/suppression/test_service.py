"""The suppression list on SQLite and PostgreSQL: adding, normalising, refusing, matching, and unsubscribing."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import EventKind, MessageStatus
from aicmo.cam.outreach.models import DeliveryEventDB, OutreachMessageDB
from aicmo.cam.suppression import service
from aicmo.cam.suppression.models import SuppressionDB, SuppressionKind
from tests.factories import make_lead

NOW = datetime(2026, 1, 6, 9, 30, tzinfo=UTC)


def entries(db: Session) -> list[tuple[str, str, str, str | None]]:
    db.expire_all()
    return [(row.kind.value, row.value, row.reason, row.detail)
            for row in db.scalars(select(SuppressionDB).order_by(SuppressionDB.id))]


def test_an_address_is_stored_lower_case_with_an_ascii_domain(db: Session) -> None:
    row = service.add(db, "  Jane.Doe@Bücher.DE ", detail="asked by phone")
    assert (row.kind, row.value, row.reason, row.detail) == (
        SuppressionKind.ADDRESS, "jane.doe@xn--bcher-kva.de", "manual", "asked by phone")


@pytest.mark.parametrize("value", ["acme.io", "@Acme.io", "www.ACME.io", "acme.io.", " WWW.acme.io "])
def test_a_domain_loses_case_a_leading_at_and_www(db: Session, value: str) -> None:
    row = service.add(db, value, reason="competitor")
    assert (row.kind, row.value, row.reason) == (SuppressionKind.DOMAIN, "acme.io", "competitor")


def test_a_unicode_domain_is_stored_in_its_ascii_form(db: Session) -> None:
    assert service.add(db, "Bücher.de").value == "xn--bcher-kva.de"
    assert service.add(db, "xn--bcher-kva.de").id == service.get(db, "bücher.de").id  # type: ignore[union-attr]


def test_adding_again_returns_the_first_entry_with_its_reason(db: Session) -> None:
    first = service.add(db, "jane@acme.io", reason="complaint", lead_id=None)
    again = service.add(db, "JANE@ACME.IO", reason="manual", detail="later")
    assert again.id == first.id
    assert entries(db) == [("address", "jane@acme.io", "complaint", None)]
    assert service.count(db) == 1


@pytest.mark.parametrize(("value", "says"), [
    ("", "empty value"), ("   ", "empty value"), ("acme", "neither an email address nor a domain"),
    ("https://acme.io/about", "neither an email address nor a domain"), ("jane@acme", "not a valid email address"),
    ("jane doe@acme.io", "not a valid email address"), ("jane@foo.test", "not a valid email address"),
])
def test_a_value_that_is_neither_address_nor_domain_is_refused(db: Session, value: str, says: str) -> None:
    with pytest.raises(service.InvalidSuppression) as refused:
        service.add(db, value)
    assert refused.value.value == value and says in refused.value.reason
    assert str(refused.value).startswith(f"cannot suppress {value!r}: ")
    assert service.count(db) == 0


@pytest.mark.parametrize("reason", ["", "x" * 41])
def test_an_empty_or_overlong_reason_is_refused(db: Session, reason: str) -> None:
    with pytest.raises(service.InvalidSuppression, match="the reason is"):
        service.add(db, "jane@acme.io", reason=reason)
    assert service.count(db) == 0


def test_remove_takes_the_entry_off_and_says_whether_it_was_listed(db: Session) -> None:
    service.add(db, "jane@acme.io")
    service.add(db, "acme.io")
    assert service.remove(db, " Jane@Acme.io ") is True
    assert service.remove(db, "jane@acme.io") is False
    assert service.remove(db, "not a value") is False
    assert entries(db) == [("domain", "acme.io", "manual", None)]


def test_get_all_filters_by_kind_and_text_newest_first_and_pages(db: Session) -> None:
    for value in ("jane@acme.io", "acme.io", "bob@initech.com", "initech.com", "amy_x@acme.io"):
        service.add(db, value)
    assert [row.value for row in service.get_all(db)] == [
        "amy_x@acme.io", "initech.com", "bob@initech.com", "acme.io", "jane@acme.io"]
    assert [row.value for row in service.get_all(db, kind=SuppressionKind.DOMAIN)] == ["initech.com", "acme.io"]
    assert [row.value for row in service.get_all(db, search="ACME")] == ["amy_x@acme.io", "acme.io", "jane@acme.io"]
    assert [row.value for row in service.get_all(db, search="_")] == ["amy_x@acme.io"]  # not a LIKE wildcard
    assert [row.value for row in service.get_all(db, limit=2, offset=1)] == ["initech.com", "bob@initech.com"]


def test_suppressed_finds_the_address_whatever_its_case(db: Session) -> None:
    listed = service.add(db, "jane@acme.io")
    found = service.suppressed(db, "Jane@ACME.io")
    assert found is not None and found.id == listed.id
    assert service.suppressed(db, "john@acme.io") is None
    assert service.suppressed(db, None) is None


def test_suppressed_finds_the_domain_of_the_address_and_of_its_subdomains(db: Session) -> None:
    listed = service.add(db, "Bücher.de")
    for address in ("anna@BÜCHER.de", "anna@xn--bcher-kva.de", "anna@mail.bücher.de"):
        found = service.suppressed(db, address)
        assert found is not None and found.id == listed.id, address
    assert service.suppressed(db, "anna@buecher.de") is None


def test_suppressed_finds_a_given_domain_or_host(db: Session) -> None:
    listed = service.add(db, "acme.io")
    for domain in ("ACME.io", "www.acme.io", "https://www.acme.io/contact"):
        found = service.suppressed(db, "jane@gmail.com", domains=["other.com", domain])
        assert found is not None and found.id == listed.id, domain
    assert service.suppressed(db, None, domains=["acme.io"]) is not None
    assert service.suppressed(db, "jane@gmail.com", domains=["other.com", ""]) is None


def test_suppressed_prefers_the_address_entry_to_the_domain_entry(db: Session) -> None:
    service.add(db, "acme.io", reason="competitor")
    service.add(db, "jane@acme.io", reason="unsubscribe")
    found = service.suppressed(db, "jane@acme.io")
    assert found is not None and found.reason == "unsubscribe"


def test_suppressed_each_answers_every_contact_in_one_query(db: Session) -> None:
    service.add(db, "acme.io", reason="competitor")
    service.add(db, "jane@acme.io", reason="unsubscribe")
    service.add(db, "Bücher.de", reason="manual")
    service.add(db, "mail.bücher.de", reason="complaint")
    service.add(db, "john@gmail.com", reason="bounce")
    contacts: dict[str, tuple[str | None, list[str]]] = {
        "address over domain": ("Jane@ACME.io", []),
        "domain of the address": ("bob@acme.io", []),
        "oldest of two matching domains": ("anna@mail.bücher.de", []),
        "given company domain": ("sue@gmail.com", ["https://www.acme.io/contact"]),
        "address only": ("JOHN@gmail.com", ["other.com"]),
        "no address, a domain": (None, ["xn--bcher-kva.de"]),
        "nothing matches": ("kim@other.com", ["other.org"]),
        "nothing given": (None, []),
    }
    each = service.suppressed_each(db, contacts)
    assert {key: found and (found.value, found.reason) for key, found in each.items()} == {
        "address over domain": ("jane@acme.io", "unsubscribe"),
        "domain of the address": ("acme.io", "competitor"),
        "oldest of two matching domains": ("xn--bcher-kva.de", "manual"),
        "given company domain": ("acme.io", "competitor"),
        "address only": ("john@gmail.com", "bounce"),
        "no address, a domain": ("xn--bcher-kva.de", "manual"),
        "nothing matches": None,
        "nothing given": None,
    }
    assert service.suppressed_each(db, {1: (None, [])}) == {1: None}


def new_lead(db: Session, **overrides: object) -> int:
    return ops.create_lead(db, LeadCreate(**make_lead(**overrides))).id


def add_messages(db: Session, lead_id: int) -> dict[MessageStatus, str]:
    """One message in each state a cancellation may or may not touch."""
    made = {status: messages.create(db, lead_id=lead_id, body="Hi", subject="Hello", now=NOW, step=step,
                                    status=status).id
            for step, status in enumerate((MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.SENT))}
    db.commit()
    return made


def statuses(db: Session, ids: dict[MessageStatus, str]) -> dict[MessageStatus, MessageStatus]:
    db.expire_all()
    return {made_as: db.get_one(OutreachMessageDB, message_id).status for made_as, message_id in ids.items()}


def unsubscribes(db: Session) -> list[tuple[int | None, str | None, str | None]]:
    return [(event.lead_id, event.message_id, event.detail) for event in db.scalars(
        select(DeliveryEventDB).where(DeliveryEventDB.kind == EventKind.UNSUBSCRIBE))]


def test_unsubscribe_suppresses_the_address_stops_the_lead_and_cancels_waiting_messages(db: Session) -> None:
    lead_id = new_lead(db, email="Jane@Acme.io")
    made = add_messages(db, lead_id)
    assert service.unsubscribe(db, lead_id=lead_id, message_id=made[MessageStatus.SENT], source="one-click",
                               now=NOW) is True
    db.commit()
    assert db.get_one(LeadDB, lead_id).status is LeadStatus.UNSUBSCRIBED
    assert entries(db) == [("address", "jane@acme.io", "unsubscribe", "one-click")]
    assert db.scalars(select(SuppressionDB.lead_id)).one() == lead_id
    assert statuses(db, made) == {MessageStatus.PENDING: MessageStatus.CANCELLED,
                                  MessageStatus.QUEUED: MessageStatus.CANCELLED,
                                  MessageStatus.SENT: MessageStatus.SENT}
    assert unsubscribes(db) == [(lead_id, made[MessageStatus.SENT], "one-click")]


def test_unsubscribing_again_changes_nothing(db: Session) -> None:
    lead_id = new_lead(db)
    made = add_messages(db, lead_id)
    service.unsubscribe(db, lead_id=lead_id, message_id=made[MessageStatus.SENT], source="one-click", now=NOW)
    db.commit()
    before = (entries(db), statuses(db, made), unsubscribes(db))
    assert service.unsubscribe(db, lead_id=lead_id, message_id=made[MessageStatus.SENT], source="unsubscribe page",
                               now=NOW) is False
    db.commit()
    assert (entries(db), statuses(db, made), unsubscribes(db)) == before
    assert db.get_one(LeadDB, lead_id).status is LeadStatus.UNSUBSCRIBED


def test_a_do_not_contact_lead_stays_so_and_a_manual_entry_keeps_its_reason(db: Session) -> None:
    lead_id = new_lead(db)
    db.get_one(LeadDB, lead_id).status = LeadStatus.DO_NOT_CONTACT
    service.add(db, "jane@acme.io", reason="manual")
    add_messages(db, lead_id)
    assert service.unsubscribe(db, lead_id=lead_id, message_id=None, source="reply", now=NOW) is True
    db.commit()
    assert db.get_one(LeadDB, lead_id).status is LeadStatus.DO_NOT_CONTACT
    assert entries(db) == [("address", "jane@acme.io", "manual", None)]
    assert unsubscribes(db) == [(lead_id, None, "reply")]


def test_unsubscribing_a_lead_that_does_not_exist_changes_nothing(db: Session) -> None:
    assert service.unsubscribe(db, lead_id=424242, message_id=None, source="one-click", now=NOW) is False
    db.commit()
    assert entries(db) == [] and unsubscribes(db) == []
