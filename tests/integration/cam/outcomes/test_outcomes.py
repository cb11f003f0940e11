"""Outcomes on a real database (SQLite and PostgreSQL): entered, imported from CRM exports, read from replies."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.inbox.intent import ReplyIntent
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outcomes.models import OutcomeDB, OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate
from aicmo.cam.outreach import messages
from aicmo.errors import ImportFileError, InvalidOutcome, LeadNotFound, OutcomeNotFound
from tests.factories import csv_text, make_lead
from tests.support.history import answered, sent

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HEADERS = ["Record ID", "Deal Name", "Deal Stage", "Amount", "Currency", "Close Date", "Associated Contact Email",
           "LinkedIn URL", "Lead ID"]


def lead(db: Session, name: str, **extra: str) -> int:
    return ops.create_lead(db, LeadCreate(**make_lead(first_name=name, email=f"{name.lower()}@{name.lower()}.io",
                                                      website=f"https://{name.lower()}.io", **extra))).id


def stored(db: Session) -> list[tuple[int, str, int | None, str | None, str | None]]:
    db.expire_all()
    return [(row.lead_id, row.kind.value, row.value_cents, row.currency, row.external_id)
            for row in db.scalars(select(OutcomeDB).order_by(OutcomeDB.id))]


def test_an_outcome_is_added_listed_and_removed(db: Session) -> None:
    jane = lead(db, "Jane")
    deal = ops.add_outcome(db, OutcomeCreate(lead_id=jane, kind=OutcomeKind.WON, value="1200.50", currency="eur",
                                             occurred_at=NOW, note="annual plan"))
    meeting = ops.add_outcome(db, OutcomeCreate(lead_id=jane, kind=OutcomeKind.MEETING, occurred_at=NOW))
    assert (deal.value_cents, deal.currency, str(deal.value), deal.source) == (120050, "EUR", "1200.5", "manual")
    assert [o.id for o in ops.list_outcomes(db, lead_id=jane)] == [meeting.id, deal.id]
    assert [o.id for o in ops.list_outcomes(db, kinds=[OutcomeKind.WON])] == [deal.id]
    ops.remove_outcome(db, meeting.id)
    assert [o.id for o in ops.list_outcomes(db)] == [deal.id]
    with pytest.raises(OutcomeNotFound):
        ops.remove_outcome(db, meeting.id)


@pytest.mark.parametrize(("data", "problem"), [
    ({"kind": OutcomeKind.WON, "value": "100"}, "currency: a value needs its currency"),
    ({"kind": OutcomeKind.MEETING, "value": "100", "currency": "EUR"}, "value: a meeting has no value"),
    ({"kind": OutcomeKind.WON, "value": "100", "currency": "XYZ"}, "currency: 'XYZ' is not an ISO 4217"),
])
def test_an_outcome_that_cannot_be_is_refused_naming_the_field(db: Session, data: dict[str, object],
                                                               problem: str) -> None:
    jane = lead(db, "Jane")
    with pytest.raises(InvalidOutcome, match=problem):
        ops.add_outcome(db, OutcomeCreate(lead_id=jane, **data))  # type: ignore[arg-type]
    db.rollback()
    assert stored(db) == []
    with pytest.raises(LeadNotFound):
        ops.add_outcome(db, OutcomeCreate(lead_id=jane + 100, kind=OutcomeKind.MEETING))


def test_a_crm_export_is_imported_by_email_linkedin_or_lead_id_with_rejects_by_line(db: Session,
                                                                                   tmp_path: Path) -> None:
    jane, omar = lead(db, "Jane"), lead(db, "Omar", linkedin_url="https://www.linkedin.com/in/omar-k")
    ivy = lead(db, "Ivy")
    export = tmp_path / "deals.csv"
    export.write_text(csv_text(HEADERS, [
        ["101", "Acme annual", "closedwon", "12,000", "EUR", "2026-11-02", "JANE@jane.io", "", ""],
        ["102", "Omar pilot", "qualifiedtobuy", "3000", "USD", "2026-11-03", "", "linkedin.com/in/omar-k/", ""],
        ["103", "Ivy call", "appointmentscheduled", "", "", "2026-11-04", "", "", str(ivy)],
        ["104", "Nobody", "closedwon", "10", "EUR", "2026-11-05", "ghost@nowhere.io", "", ""],
        ["105", "Bad amount", "closedwon", "ten", "EUR", "2026-11-05", "jane@jane.io", "", ""],
        ["106", "US date", "closedlost", "", "", "11/05/2026", "jane@jane.io", "", ""],
        ["107", "Removed", "deleted", "", "", "2026-11-05", "jane@jane.io", "", ""],
    ]), "utf-8")
    result = ops.import_outcomes(db, export)
    assert (result.read, result.added, result.updated) == (7, 3, 0)
    assert [(r.line, r.reason) for r in result.rejected] == [
        (5, "lead: no lead has email ghost@nowhere.io"),
        (6, "value: 'ten' is not an amount"),
        (7, "at: '11/05/2026' is not an ISO 8601 date (e.g. 2026-03-01 or 2026-03-01T14:30)"),
        (8, "kind: deal stage 'deleted': a deleted deal")]
    assert stored(db) == [(jane, "won", 1200000, "EUR", "101"), (omar, "opportunity", 300000, "USD", "102"),
                          (ivy, "meeting", None, None, "103")]

    # The same deals again, one of them moved on: updated in place, none added twice.
    export.write_text(csv_text(HEADERS, [
        ["101", "Acme annual", "closedwon", "12,000", "EUR", "2026-11-02", "jane@jane.io", "", ""],
        ["102", "Omar pilot", "Closed Won", "3500", "USD", "2026-11-20", "", "https://www.linkedin.com/in/omar-k", ""],
    ]), "utf-8")
    again = ops.import_outcomes(db, export)
    assert (again.read, again.added, again.updated, again.rejected) == (2, 0, 2, [])
    assert stored(db)[1] == (omar, "won", 350000, "USD", "102")
    assert len(stored(db)) == 3


@pytest.mark.parametrize(("content", "problem"), [
    ("Deal Stage,Amount\nclosedwon,10\n", "no column names a lead"),
    ("email,note\njane@jane.io,hello\n", "no column gives the outcome"),
    ("", "is empty"),
])
def test_a_file_that_cannot_be_read_as_a_whole_is_refused_and_nothing_is_written(
        db: Session, tmp_path: Path, content: str, problem: str) -> None:
    lead(db, "Jane")
    export = tmp_path / "deals.csv"
    export.write_text(content, "utf-8")
    with pytest.raises(ImportFileError, match=problem):
        ops.import_outcomes(db, export)
    assert stored(db) == []


def test_a_file_that_breaks_midway_writes_nothing(db: Session, tmp_path: Path) -> None:
    lead(db, "Jane")
    export = tmp_path / "deals.jsonl"
    export.write_text('{"email": "jane@jane.io", "stage": "won", "amount": "5", "currency": "EUR"}\n{"email": ',
                      "utf-8")
    with pytest.raises(ImportFileError):
        ops.import_outcomes(db, export)
    assert stored(db) == []


def test_a_utf8_file_with_a_byte_that_is_not_utf8_is_refused_naming_its_line(db: Session, tmp_path: Path) -> None:
    lead(db, "Jane")
    export = tmp_path / "deals.csv"
    export.write_bytes("email,stage,amount,note\njane@jane.io,won,5,Zoë\n".encode() + b"jane@jane.io,won,7,\xff\n")
    with pytest.raises(ImportFileError, match="deals.csv line 3 is not valid UTF-8"):
        ops.import_outcomes(db, export)
    assert stored(db) == []


def test_a_positive_reply_becomes_an_outcome_and_a_correction_moves_it(db: Session) -> None:
    jane = lead(db, "Jane")
    message = messages.create(db, lead_id=jane, body="Hi", subject="Hello", now=NOW)
    sent(db, message, NOW)
    reply = answered(db, message, InboundKind.REPLY, NOW, text="Sounds great, let's set up a call.")
    db.commit()
    assert reply.intent is ReplyIntent.POSITIVE
    assert stored(db) == [(jane, "positive_reply", None, None, str(reply.id))]
    assert ops.list_outcomes(db)[0].message_id == message.id

    corrected = ops.set_reply_intent(db, reply.id, ReplyIntent.NEGATIVE)
    assert (corrected.intent, corrected.intent_corrected) == (ReplyIntent.NEGATIVE, True)
    assert stored(db) == []
    ops.set_reply_intent(db, reply.id, ReplyIntent.POSITIVE)
    ops.set_reply_intent(db, reply.id, ReplyIntent.POSITIVE)
    assert db.scalar(select(func.count()).select_from(OutcomeDB)) == 1


def test_a_reply_read_as_a_refusal_is_no_outcome(db: Session) -> None:
    jane = lead(db, "Jane")
    message = messages.create(db, lead_id=jane, body="Hi", subject="Hello", now=NOW)
    sent(db, message, NOW)
    reply = answered(db, message, InboundKind.REPLY, NOW, text="Not interested, please don't follow up.")
    db.commit()
    assert (reply.intent, stored(db)) == (ReplyIntent.NEGATIVE, [])
    with pytest.raises(InvalidOutcome, match="is not a lead's reply"):
        ops.set_reply_intent(db, reply.id + 1, ReplyIntent.POSITIVE)
