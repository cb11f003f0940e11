"""A row keeps what it can: a bad field is left out and named, as long as the person stays reachable."""

from datetime import UTC, datetime

import pytest

from aicmo.cam.grading.profile import load_profile
from aicmo.cam.leads.headers import map_headers
from aicmo.cam.leads.normalize import UNREACHABLE, FieldCut, RowRejected, normalize_lead
from aicmo.cam.leads.prepare import PrepareContext, prepare_rows
from aicmo.cam.leads.readers import REFUSED, RawRow

SALES_LINK = "https://www.linkedin.com/sales/lead/ACwAAB1x2y3,NAME_SEARCH,q7Yz"


def kept(fields: dict[str, str], custom: dict[str, str] | None = None,
         max_custom: int | None = None) -> tuple[dict[str, object], list[RowRejected]]:
    dropped: list[RowRejected] = []
    return normalize_lead(fields, custom or {}, dropped=dropped, max_custom=max_custom), dropped


def test_an_invalid_email_is_left_out_when_the_row_has_a_website() -> None:
    lead, dropped = kept({"first_name": "Jane", "email": "jane@@acme.io", "website": "https://acme.io"})
    assert (lead["email"], lead["website"], lead["company_domain"]) == (None, "acme.io", "acme.io")
    assert [(d.field, d.reason.split(":")[0]) for d in dropped] == [("email", "not a valid address")]


def test_an_invalid_email_still_refuses_the_row_when_nothing_else_reaches_the_person() -> None:
    with pytest.raises(RowRejected) as info:
        kept({"first_name": "Jane", "email": "jane@@acme.io"})
    assert info.value.field == "email" and info.value.reason.startswith("not a valid address: 'jane@@acme.io'")


def test_without_a_list_for_dropped_fields_the_first_bad_field_refuses_the_row() -> None:
    with pytest.raises(RowRejected) as info:
        normalize_lead({"email": "jane@@acme.io", "website": "acme.io"}, {})
    assert info.value.field == "email"


def test_a_sales_navigator_link_in_the_profile_column_is_kept_in_its_own_field() -> None:
    lead, dropped = kept({"email": "jane@acme.io", "linkedin_url": SALES_LINK})
    assert (lead["linkedin_url"], lead["sales_navigator_url"], dropped) == (None, SALES_LINK, [])


def test_a_sales_navigator_link_and_a_website_make_a_lead() -> None:
    lead, _ = kept({"full_name": "Ann Flowers", "linkedin_url": "linkedin.com/sales/lead/ACw,NAME", "website": "g.com"})
    assert lead["sales_navigator_url"] == "https://linkedin.com/sales/lead/ACw,NAME"
    assert lead["website"] == "g.com"


def test_a_sales_navigator_column_keeps_its_link_beside_the_public_profile() -> None:
    lead = normalize_lead({"linkedin_url": "linkedin.com/in/ann", "sales_navigator_url": SALES_LINK}, {})
    assert (lead["linkedin_url"], lead["sales_navigator_url"]) == ("https://www.linkedin.com/in/ann/", SALES_LINK)


def test_a_sales_navigator_link_alone_does_not_reach_anyone() -> None:
    with pytest.raises(RowRejected) as info:
        kept({"full_name": "Ann Flowers", "linkedin_url": SALES_LINK})
    assert info.value.field == "linkedin_url" and "Sales Navigator" in info.value.reason
    with pytest.raises(RowRejected, match=UNREACHABLE):
        kept({"full_name": "Ann Flowers"})


def test_a_row_that_reaches_no_one_is_refused_as_unreachable_whatever_else_was_left_out() -> None:
    with pytest.raises(RowRejected) as info:
        kept({"first_name": "Jane", "title": "t" * 5000})
    assert (info.value.field, info.value.reason) == (None, UNREACHABLE)


def test_an_over_long_field_is_left_out_and_a_long_custom_value_cut() -> None:
    lead, dropped = kept({"email": "j@acme.io", "title": "t" * 5000}, {"Notes": "n" * 50, "Bad": "a\x00b"},
                         max_custom=10)
    assert lead["title"] is None and lead["custom_fields"] == {"Notes": "n" * 10}
    assert [(d.field, d.reason, isinstance(d, FieldCut)) for d in dropped] == [
        ("title", "too long (5000 characters)", False),
        ("Notes", "too long (50 characters); cut to 10", True),
        ("Bad", "contains a NUL character", False)]


def context(headers: list[str]) -> PrepareContext:
    return PrepareContext(map_headers(headers), load_profile(), datetime(2026, 1, 1, tzinfo=UTC), max_custom=100)


def test_prepared_rows_list_each_left_out_field_with_its_line_and_reason() -> None:
    headers = ["Name", "Email", "Website", "Notes"]
    rows = [RawRow(2, {"Name": "Jane Doe", "Email": "jane@@acme.io", "Website": "acme.io", "Notes": "x" * 150}),
            RawRow(3, {"Name": "John Roe", "Email": "john@@roe.io", "Website": "", "Notes": ""})]
    prepared = prepare_rows(context(headers), rows)
    assert [lead["website"] for lead in prepared.leads] == ["acme.io"]
    assert prepared.leads[0]["custom_fields"] == {"Notes": "x" * 100}
    assert [r.message() for r in prepared.flagged] == [
        "line 2: Notes: too long (150 characters); cut to 100",
        "line 2: email: not a valid address: 'jane@@acme.io' (The part after the @-sign contains invalid "
        "characters: '@'.); left out"]
    assert [(r.line, r.field) for r in prepared.rejections] == [(3, "email")]


def test_a_row_the_reader_refused_is_rejected_with_the_readers_reason() -> None:
    prepared = prepare_rows(context(["Email"]), [RawRow(5, {"Email": "a@b.io", REFUSED: "too many columns"})])
    assert prepared.leads == [] and [r.message() for r in prepared.rejections] == ["line 5: too many columns"]
