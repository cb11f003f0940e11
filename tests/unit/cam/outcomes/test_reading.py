"""Reading CRM exports: which column means what, what a stage means, amounts and currencies."""

import pytest

from aicmo.cam.outcomes.importing import column_map, parse_time, stage_kind
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.service import cents, currency_code
from aicmo.errors import InvalidOutcome

HUBSPOT = ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Associated Contact Email", "Currency"]
PIPEDRIVE = ["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Status", "Deal - Won time",
             "Person - Email"]
SALESFORCE = ["Opportunity ID", "Opportunity Name", "Stage", "Amount", "Close Date", "Contact Email",
              "Currency ISO Code"]


@pytest.mark.parametrize("headers", [HUBSPOT, PIPEDRIVE, SALESFORCE])
def test_finds_deal_id_email_stage_value_currency_and_date_in_the_common_crm_exports(headers: list[str]) -> None:
    assert set(column_map(headers)) == {"deal_id", "email", "kind", "value", "currency", "at", "note"}


def test_the_first_column_naming_a_field_feeds_it() -> None:
    assert column_map(["Stage", "Status", "email"]) == {"kind": "Stage", "email": "email"}


@pytest.mark.parametrize(("stage", "kind"), [
    ("closedwon", OutcomeKind.WON), ("Closed Won", OutcomeKind.WON), ("won", OutcomeKind.WON),
    ("closedlost", OutcomeKind.LOST), ("Closed Lost", OutcomeKind.LOST), ("lost", OutcomeKind.LOST),
    ("appointmentscheduled", OutcomeKind.MEETING), ("Meeting booked", OutcomeKind.MEETING),
    ("qualifiedtobuy", OutcomeKind.OPPORTUNITY), ("open", OutcomeKind.OPPORTUNITY),
    ("Proposal/Price Quote", OutcomeKind.OPPORTUNITY), ("positive_reply", OutcomeKind.POSITIVE_REPLY),
    ("Gewonnen", OutcomeKind.WON), ("deleted", None),
])
def test_reads_what_a_crm_stage_means(stage: str, kind: OutcomeKind | None) -> None:
    assert stage_kind(stage) is kind


@pytest.mark.parametrize(("raw", "expected"), [("1200", 120000), ("1,200.50", 120050), ("0", 0), ("99.999", 10000),
                                               (None, None), ("", None)])
def test_amounts_become_exact_hundredths(raw: str | None, expected: int | None) -> None:
    assert cents(raw) == expected


@pytest.mark.parametrize("raw", ["twelve", "-5", "NaN", "1e20"])
def test_an_unreadable_amount_names_the_field(raw: str) -> None:
    with pytest.raises(InvalidOutcome) as caught:
        cents(raw)
    assert caught.value.field == "value" and raw in str(caught.value)


def test_currencies_are_iso_4217_codes() -> None:
    assert (currency_code(" eur "), currency_code(None)) == ("EUR", None)
    with pytest.raises(InvalidOutcome, match="currency: 'EURO' is not an ISO 4217"):
        currency_code("EURO")


def test_dates_are_iso_8601_and_utc_without_a_zone() -> None:
    assert parse_time("2026-03-01").isoformat() == "2026-03-01T00:00:00+00:00"
    assert parse_time("2026-03-01T14:30:00Z").isoformat() == "2026-03-01T14:30:00+00:00"
    with pytest.raises(InvalidOutcome, match="at: '03/01/2026' is not an ISO 8601 date"):
        parse_time("03/01/2026")
