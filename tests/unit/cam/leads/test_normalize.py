import re
from collections.abc import Callable
from typing import Any

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from nameparser import HumanName

from aicmo.cam.leads import values
from aicmo.cam.leads.enums import EmailStatus
from aicmo.cam.leads.normalize import (
    FREE_MAIL_DOMAINS,
    UNREACHABLE,
    RowRejected,
    canonical_linkedin_url,
    company_size,
    country_region,
    name_key,
    normalize_department,
    normalize_email,
    normalize_lead,
    normalize_phone,
    normalize_seniority,
    recase_name,
    seniority_from_title,
    split_full_name,
    split_tags,
    website_domain,
)
from aicmo.cam.leads.values import (
    EMAIL_SHAPE,
    LINKEDIN_SHAPE,
    WEBSITE_SHAPE,
    contact_form_url,
    fast_email_match,
    time_zone_name,
)
from tests.unit.cam.leads.shapes import email_shaped, linkedin_shaped, website_shaped

LEAD_KEYS = {
    "first_name", "last_name", "email", "email_status", "title", "seniority", "department", "company_name",
    "company_domain", "company_size", "industry", "website", "linkedin_url", "sales_navigator_url",
    "contact_form_url", "phone",
    "city", "country", "time_zone", "source", "tags", "custom_fields", "name_key",
}

APOLLO_ROW = {
    "first_name": "JANE", "last_name": "VAN DER BERG", "email": "Jane.Berg@Acme.com", "title": "VP of  Sales",
    "seniority": "vp", "department": "master_sales, sales", "company_name": "Acme  Corp",
    "company_size": "51-200", "industry": "Computer Software", "website": "https://www.acme.com/about",
    "linkedin_url": "http://de.linkedin.com/in/Jane-Berg-123?trk=public_profile", "phone": "'+1 415-555-2671",
    "city": "San Francisco", "state": "California", "country": "United States",
}


def lead(**fields: str) -> dict[str, Any]:
    return normalize_lead(fields, {})


# --- email ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "email"), [
    ("jane.doe@acme.com", "jane.doe@acme.com"),
    ("  Jane.Doe@Acme.COM ", "jane.doe@acme.com"),
    ("mailto:Jane@acme.com", "jane@acme.com"),
    ("MAILTO:jane@acme.com?subject=Hi", "jane@acme.com"),
    ("Jane Doe <JANE@acme.com>", "jane@acme.com"),
    ("<jane@acme.com>", "jane@acme.com"),
    ("jane+crm@mail.acme.co.uk", "jane+crm@mail.acme.co.uk"),
    ("jane@bücher.de", "jane@bücher.de"),
    ("jane@xn--bcher-kva.de", "jane@bücher.de"),
    ("JÖRG@acme.de", "jörg@acme.de"),
])
def test_normalize_email_trims_unwraps_and_lower_cases(raw: str, email: str) -> None:
    assert normalize_email(raw) == email


@pytest.mark.parametrize(("raw", "reason"), [
    ("foo@", "There must be something after the @-sign."),
    ("foo", "An email address must have an @-sign."),
    ("", "An email address must have an @-sign."),
    ("a@b", "It should have a period"),
    ("a@localhost", "It should have a period"),
    ("a@x.test", "special-use or reserved name"),
    ("a b@acme.com", "invalid characters before the @-sign"),
    ("a@-acme.com", "hyphen immediately after the @-sign"),
    ("jane..doe@acme.com", "two periods in a row"),
    ('"jane"@acme.com', "Quoting"),
])
def test_normalize_email_rejects_invalid_addresses_with_the_validators_reason(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        normalize_email(raw)


def test_common_addresses_take_the_fast_path_without_email_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("email-validator called on the fast path")

    monkeypatch.setattr(values, "validate_email", refuse)
    assert normalize_email("Jane.Doe+x@Mail.Acme.co.uk") == "jane.doe+x@mail.acme.co.uk"


@pytest.mark.parametrize("address", [
    "a@xn--bcher-kva.de", "a@ab--c.com", "a@x.test", "a@x.local", "a@x.onion", "a@1.2.3.4", "a@acme.c",
    "a@acme", "a.@acme.com", ".a@acme.com", "a@acme-.com", "j\u00f6rg@acme.de", "A@acme.com",
    "a" * 65 + "@acme.com", "a@" + "b" * 64 + ".com", "a@" + ("b" * 60 + ".") * 5 + "com",
])
def test_unusual_addresses_go_to_email_validator(address: str) -> None:
    assert not fast_email_match(address)


def check_agrees_with_email_validator(text: str) -> None:
    value = text.lower()
    if not fast_email_match(value):
        return
    try:
        validated = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:  # pragma: no cover - the property under test
        raise AssertionError(f"fast path accepted {value!r}, email-validator says: {exc}") from exc
    assert validated.normalized.lower() == value


@settings(max_examples=800, suppress_health_check=[HealthCheck.too_slow])
@given(st.emails())
@example("x@xn--bcher-kva.de")
@example("x@ab--cd.com")
@example("x@x.test")
def test_fast_email_path_agrees_with_email_validator_on_generated_addresses(text: str) -> None:
    check_agrees_with_email_validator(text)


@settings(max_examples=800, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(email_shaped)
def test_fast_email_path_agrees_with_email_validator_on_its_own_shape(text: str) -> None:
    check_agrees_with_email_validator(text)


@settings(max_examples=300)
@given(st.one_of(st.tuples(st.just(EMAIL_SHAPE), email_shaped), st.tuples(st.just(LINKEDIN_SHAPE), linkedin_shaped),
                 st.tuples(st.just(WEBSITE_SHAPE), website_shaped)))
def test_the_shape_strategies_draw_only_values_of_their_shape(shape_and_value: tuple[str, str]) -> None:
    shape, value = shape_and_value
    assert re.fullmatch(shape, value, re.IGNORECASE), value


@settings(max_examples=800)
@given(st.text(alphabet=st.sampled_from("aZ0.-_+@'!~é\u212a") | st.characters(), max_size=40))
def test_fast_email_path_agrees_with_email_validator_on_random_text(text: str) -> None:
    check_agrees_with_email_validator(text)


# --- LinkedIn ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "url"), [
    ("https://www.linkedin.com/in/jane-doe-123/", "https://www.linkedin.com/in/jane-doe-123/"),
    ("http://linkedin.com/in/Jane-Doe-123", "https://www.linkedin.com/in/jane-doe-123/"),
    ("linkedin.com/in/jane-doe-123", "https://www.linkedin.com/in/jane-doe-123/"),
    ("www.linkedin.com/in/jane-doe-123?utm_source=x&trk=y#top", "https://www.linkedin.com/in/jane-doe-123/"),
    ("https://de.linkedin.com/in/jane-doe-123/?originalSubdomain=de", "https://www.linkedin.com/in/jane-doe-123/"),
    ("https://uk.linkedin.com/in/jane-doe-123", "https://www.linkedin.com/in/jane-doe-123/"),
    ("https://m.linkedin.com/in/jane-doe-123", "https://www.linkedin.com/in/jane-doe-123/"),
    ("https://www.linkedin.com/in/jane?miniProfileUrn=urn%3Ali%3Afs", "https://www.linkedin.com/in/jane/"),
    ("https://www.linkedin.com/in/jane-doe-123/details/experience/", "https://www.linkedin.com/in/jane-doe-123/"),
    ("https://www.linkedin.com/in/J%C3%B6rg-M%C3%BCller", "https://www.linkedin.com/in/j%C3%B6rg-m%C3%BCller/"),
    ("https://www.linkedin.com/in/Jörg-Müller/", "https://www.linkedin.com/in/j%C3%B6rg-m%C3%BCller/"),
    ("https://www.linkedin.com/pub/jane-doe/1a/2b/3c", "https://www.linkedin.com/pub/jane-doe/1a/2b/3c/"),
    ("https://www.linkedin.com/mwlite/in/jane-doe", "https://www.linkedin.com/in/jane-doe/"),
])
def test_linkedin_profile_urls_are_canonicalised(raw: str, url: str) -> None:
    assert canonical_linkedin_url(raw) == url
    assert canonical_linkedin_url(url) == url


@pytest.mark.parametrize(("raw", "reason"), [
    ("https://www.linkedin.com/sales/lead/ACwAAA,NAME_SEARCH,abc", "Sales Navigator"),
    ("https://www.linkedin.com/sales/people/ACwAAA,NAME_SEARCH", "Sales Navigator"),
    ("https://www.linkedin.com/company/acme/", "company page"),
    ("https://www.linkedin.com/pub/dir/jane/doe", "not a person profile"),
    ("https://www.linkedin.com/in/", "not a person profile"),
    ("https://www.linkedin.com/", "not a person profile"),
    ("https://example.com/in/jane", "not a linkedin.com address"),
    ("https://linkedin.com.evil.example/in/jane", "not a linkedin.com address"),
    ("ftp://linkedin.com/in/jane", "not a linkedin.com address"),
    ("jane doe", "not a URL"),
])
def test_non_profile_linkedin_urls_are_refused(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        canonical_linkedin_url(raw)


# --- websites and domains ------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "domain"), [
    ("https://www.Acme.co.uk/about?x=1", "acme.co.uk"),
    ("blog.acme.com", "acme.com"),
    ("acme.com/", "acme.com"),
    ("http://acme.com:8080/pricing#plans", "acme.com"),
    ("https://acme.com.", "acme.com"),
    ("https://bücher.de", "xn--bcher-kva.de"),
    ("https://xn--bcher-kva.de/", "xn--bcher-kva.de"),
])
def test_website_domain_is_the_registrable_domain(raw: str, domain: str) -> None:
    assert website_domain(raw) == domain


@pytest.mark.parametrize("raw", ["not a url", "", "http://localhost", "http://192.168.0.1", "acme", "https://"])
def test_website_without_a_registrable_domain_is_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        website_domain(raw)


@pytest.mark.parametrize(("raw", "url"), [
    ("https://acme.com/contact", "https://acme.com/contact"),
    ("  http://acme.com/contact?x=1 ", "http://acme.com/contact?x=1"),
    ("acme.com/contact", "https://acme.com/contact"),
])
def test_contact_form_urls_are_http_urls_kept_as_given(raw: str, url: str) -> None:
    assert contact_form_url(raw) == url


@pytest.mark.parametrize("raw", ["javascript:alert(1)", "mailto:x@acme.com", "contact us", "ftp://acme.com/x",
                                 "https://localhost/contact"])
def test_contact_form_urls_that_are_not_web_pages_are_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        contact_form_url(raw)


# --- phone, country, size, time zone -------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "region", "phone"), [
    ("(415) 555-2671", "US", "+14155552671"),
    ("+44 20 7946 0958", None, "+442079460958"),
    ("+44 20 7946 0958", "US", "+442079460958"),
    ("+49 (0)30 1234567", None, "+49301234567"),
    ("030 1234567", "DE", "+49301234567"),
    ("+1 415-555-2671 ext. 12", None, "+14155552671"),
    ("'+1 415 555 2671", None, "+14155552671"),
    ("(415) 555-2671", None, None),
    ("+1 555 555 5555", None, None),
    ("12345", "US", None),
    ("garbage", "US", None),
])
def test_phone_numbers_become_e164_or_none(raw: str, region: str | None, phone: str | None) -> None:
    assert normalize_phone(raw, region) == phone


PHONE_REGIONS = st.sampled_from([None, "US", "CA", "GB", "DE", "FR", "IN", "AU", "BR", "JP", "IT", "MX"])
PHONE_SEPARATORS = st.lists(st.sampled_from([" ", "-", ".", "(", ")", ") ", " ("]), min_size=1, max_size=3).map("".join)


@st.composite
def written_phone_numbers(draw: st.DrawFn) -> str:
    """A real number of some region in its international or national digits, separators put in anywhere."""
    region = draw(st.sampled_from(["US", "GB", "DE", "FR", "IN", "AU", "BR", "JP", "IT", "MX", "CH", "NL"]))
    kind = draw(st.sampled_from([phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE]))
    number = phonenumbers.example_number_for_type(region, kind) or phonenumbers.example_number(region)
    international = draw(st.booleans())
    form = phonenumbers.PhoneNumberFormat.E164 if international else phonenumbers.PhoneNumberFormat.NATIONAL
    digits = re.sub(r"\D", "", phonenumbers.format_number(number, form))
    cuts = draw(st.lists(st.integers(0, len(digits)), max_size=6, unique=True))
    written = "".join(draw(PHONE_SEPARATORS) + d if i in cuts else d for i, d in enumerate(digits))
    return ("+" + draw(st.sampled_from(["", " ", "(", " ("])) if international else "") + written


@given(st.one_of(written_phone_numbers(),
                 st.from_regex(values.PLAIN_PHONE, fullmatch=True),
                 st.text("+0123456789 ().-", min_size=1, max_size=40)),
       PHONE_REGIONS)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@example("+44 (0)20 7946 0958", None)
@example("0049 30 1234567", "DE")
@example("011 44 20 7946 0958", "US")
@example("()", "US")
@example("+", None)
def test_a_plain_number_is_read_from_its_digits_and_plus_alone(raw: str, region: str | None) -> None:
    # The cache is keyed by the digits and the '+'; phonenumbers must give the same answer for the number as
    # written. (Text outside the plain shape is looked up as written, so it proves nothing either way.)
    if not values.PLAIN_PHONE.match(raw):
        return
    compact = ("+" if raw[0] == "+" else "") + re.sub(r"\D", "", raw)
    assert values.e164.__wrapped__(raw, region) == values.e164.__wrapped__(compact, region)
    assert normalize_phone(raw, region) == values.e164.__wrapped__(raw, region)


@pytest.mark.parametrize(("country", "region"), [
    ("Germany", "DE"), ("DE", "DE"), ("deu", "DE"), ("Deutschland", "DE"), ("United States", "US"),
    ("USA", "US"), ("U.S.", "US"), ("UK", "GB"), ("England", "GB"), (" united   kingdom ", "GB"),
    ("Viet Nam", "VN"), ("Narnia", None), ("", None),
])
def test_country_names_and_codes_resolve_to_iso_alpha_2(country: str, region: str | None) -> None:
    assert country_region(country) == region


@pytest.mark.parametrize(("raw", "size"), [
    ("51-200", 51), ("1,000", 1000), ("10001+", 10001), ("10,001+ employees", 10001), ("10K", 10000),
    ("1.5k", 1500), ("1.000", 1000), ("11-50 employees", 11), ("2 - 10", 2), ("5000", 5000),
    ("1,001-5,000", 1001), ("1,000k", 1_000_000), ("2.5M", 2_500_000), ("1.2.3", None), ("", None),
    ("n/a", None), ("Self-employed", None), ("100000000", None),
])
def test_company_size_is_the_lower_bound_as_an_integer(raw: str, size: int | None) -> None:
    assert company_size(raw) == size


@pytest.mark.parametrize(("raw", "zone"), [
    ("Europe/Berlin", "Europe/Berlin"), ("europe/berlin", "Europe/Berlin"), ("UTC", "UTC"),
    ("PST", None), ("Mars/Olympus", None),
])
def test_time_zones_must_be_iana_names(raw: str, zone: str | None) -> None:
    assert time_zone_name(raw) == zone


# --- names ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "parts"), [
    ("Jane Doe", ("Jane", "Doe")),
    ("  Jane   Doe ", ("Jane", "Doe")),
    ("Dr. Jane van der Berg", ("Jane", "van der Berg")),
    ("Smith, John", ("John", "Smith")),
    ("de la Cruz, Maria", ("Maria", "de la Cruz")),
    ("John Paul Smith", ("John", "Smith")),
    ("Jean-Luc Picard Jr.", ("Jean-Luc", "Picard")),
    ("Mr Smith", (None, "Smith")),
    ("Madonna", ("Madonna", None)),
    ("", (None, None)),
])
def test_full_names_split_into_first_and_last(raw: str, parts: tuple[str | None, str | None]) -> None:
    assert split_full_name(raw) == parts


_NAME_WORD = st.builds(str.__add__, st.sampled_from("ABCDEFGHIJKLMNOPRSTUVWYZÉÖÅŁ"),
                       st.text(alphabet="abcdefghijklmnoprstuvwyzéöåł", min_size=1, max_size=9))
_WORD = st.one_of(
    _NAME_WORD,
    st.builds(lambda a, sep, b: a + sep + b, _NAME_WORD, st.sampled_from("-'"), _NAME_WORD),
    st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéÖ-'"),
            min_size=1, max_size=12),
)


@settings(max_examples=500)
@given(_WORD, _WORD, st.sampled_from([str, str.upper, str.lower]))
@example("Dr", "Who", str)
@example("Jane", "Jr", str)
@example("van", "Berg", str)
@example("Jane", "and", str)
@example("Jane", "x", str)
@example("Jane", "Vi", str)
def test_the_two_word_shortcut_splits_names_exactly_as_nameparser(first: str, last: str,
                                                                  case: Callable[[str], str]) -> None:
    name = case(f"{first} {last}")
    parsed = HumanName(name)
    assert split_full_name(name) == (str(parsed.first) or None, str(parsed.last) or None)


@pytest.mark.parametrize(("raw", "name"), [
    ("JANE", "Jane"), ("jane", "Jane"), ("VAN DER BERG", "van der Berg"),
    ("jane van der berg", "Jane van der Berg"),
    ("MCDONALD", "McDonald"), ("O'NEIL", "O'Neil"), ("JEAN-LUC", "Jean-Luc"), ("DE", "De"),
    ("McDonald", "McDonald"), ("DeVito", "DeVito"), ("van der Berg", "van der Berg"), ("J.", "J."),
])
def test_all_caps_or_all_lower_names_are_recased_and_mixed_case_kept(raw: str, name: str) -> None:
    assert recase_name(raw) == name


@pytest.mark.parametrize(("first", "last", "domain", "key"), [
    ("Jane", "van der Berg", "acme.com", "jane van der berg|acme.com"),
    (" Jane ", "Van  der  BERG", "acme.com", "jane van der berg|acme.com"),
    ("Jörg", "Müller", "acme.de", "jörg müller|acme.de"),
    ("Jane", None, "acme.com", "jane|acme.com"),
    (None, "Doe", "acme.com", "doe|acme.com"),
    ("Jane", "Doe", None, None),
    (None, None, "acme.com", None),
    ("  ", "", "acme.com", None),
])
def test_name_key_joins_casefolded_name_and_domain(first: str | None, last: str | None, domain: str | None,
                                                   key: str | None) -> None:
    assert name_key(first, last, domain) == key


# --- seniority, department, tags -----------------------------------------------------------------------
@pytest.mark.parametrize(("value", "seniority"), [
    ("c_suite", "c_suite"), ("vp", "vp"), ("director", "director"), ("manager", "manager"),
    ("senior", "senior"), ("entry", "entry"), ("owner", "owner"), ("founder", "founder"),
    ("partner", "partner"), ("head", "head"), ("intern", "intern"), ("C-Suite", "c_suite"),
    ("CXO", "c_suite"), ("Vice President", "vp"), ("Training", "intern"), ("guru", None),
])
def test_seniority_values_from_exports_map_to_the_fixed_set(value: str, seniority: str | None) -> None:
    assert normalize_seniority(value) == seniority


@pytest.mark.parametrize(("title", "seniority"), [
    ("CEO", "c_suite"), ("CTO & Co-Founder", "founder"), ("Chief Revenue Officer", "c_suite"),
    ("President", "c_suite"), ("VP Sales", "vp"), ("Vice President, Marketing", "vp"),
    ("Senior Vice President", "vp"), ("Head of Growth", "head"), ("Director of Sales", "director"),
    ("Sales Manager", "manager"), ("Co-founder", "founder"), ("Owner", "owner"), ("Product Owner", None),
    ("Managing Partner", "partner"), ("Marketing Intern", "intern"), ("Senior Software Engineer", "senior"),
    ("Sr. Engineer", "senior"), ("Junior Developer", "entry"), ("Software Engineer", None),
    ("Internal Audit Lead", None), ("Account Executive", None),
])
def test_seniority_is_inferred_from_title_keywords(title: str, seniority: str | None) -> None:
    assert seniority_from_title(title) == seniority


@pytest.mark.parametrize(("raw", "department"), [
    ("master_sales, sales", "sales"), ("Engineering", "engineering"),
    ("master_engineering_technical", "engineering"),
    ("master_human_resources", "human resources"), ("Marketing; Growth", "marketing"), (" , ", None),
])
def test_departments_are_the_first_listed_in_lower_case_words(raw: str, department: str | None) -> None:
    assert normalize_department(raw) == department


@pytest.mark.parametrize(("raw", "tags"), [
    ("vip", ["vip"]), ("a, b; c | d", ["a", "b", "c", "d"]), ("b, a, B, a", ["b", "a"]),
    ("  spaced   tag ,, ;", ["spaced tag"]), ("", []),
])
def test_tags_split_on_comma_semicolon_pipe_deduplicated_in_order(raw: str, tags: list[str]) -> None:
    assert split_tags(raw) == tags


# --- the whole row -------------------------------------------------------------------------------------
def test_an_apollo_row_is_normalised_into_every_lead_field() -> None:
    result = normalize_lead(APOLLO_ROW, {"Email Status": "Verified", "Keywords": "saas, b2b"})
    assert result == {
        "first_name": "Jane", "last_name": "van der Berg", "email": "jane.berg@acme.com",
        "email_status": EmailStatus.VALID_SYNTAX, "title": "VP of Sales", "seniority": "vp",
        "department": "sales", "company_name": "Acme Corp", "company_domain": "acme.com", "company_size": 51,
        "industry": "Computer Software", "website": "acme.com",
        "linkedin_url": "https://www.linkedin.com/in/jane-berg-123/", "sales_navigator_url": None,
        "contact_form_url": None,
        "phone": "+14155552671", "city": "San Francisco", "country": "United States", "time_zone": None,
        "source": None, "tags": [],
        "custom_fields": {"Email Status": "Verified", "Keywords": "saas, b2b", "state": "California"},
        "name_key": "jane van der berg|acme.com",
    }


def test_a_normalised_lead_normalises_to_itself() -> None:
    first = normalize_lead(APOLLO_ROW, {})
    derived = ("custom_fields", "email_status", "tags", "name_key")
    stored = {k: str(v) for k, v in first.items() if k not in derived and v is not None}
    again = normalize_lead(stored, first["custom_fields"])
    assert again == first


def test_a_minimal_row_has_every_key_with_none_for_absent_values() -> None:
    result = lead(linkedin_url="linkedin.com/in/jane")
    assert set(result) == LEAD_KEYS
    assert result["email_status"] is EmailStatus.UNKNOWN
    assert result["tags"] == [] and result["custom_fields"] == {}
    given = {"linkedin_url", "email_status", "tags", "custom_fields"}
    assert all(result[k] is None for k in LEAD_KEYS - given)


def test_first_and_last_name_come_from_full_name_when_missing() -> None:
    assert (lead(email="j@acme.com", full_name="DR. JANE VAN DER BERG")["last_name"]) == "van der Berg"
    result = lead(email="j@acme.com", first_name="Janet", full_name="Jane Doe")
    assert (result["first_name"], result["last_name"]) == ("Janet", "Doe")


@pytest.mark.parametrize(("fields", "domain"), [
    ({"email": "j@gmail.com"}, None),
    ({"email": "j@googlemail.com", "website": "acme.io"}, "acme.io"),
    ({"email": "j@mail.acme.co.uk"}, "acme.co.uk"),
    ({"email": "j@acme.com", "website": "www.acme-group.com"}, "acme-group.com"),
    ({"email": "j@acme.com", "website": "acme-group.com", "company_domain": "acme.org"}, "acme.org"),
    ({"email": "j@acme.com", "website": "https://www.linkedin.com/company/acme"}, "acme.com"),
    ({"email": "j@yahoo.co.uk", "website": "facebook.com/acme"}, None),
])
def test_company_domain_prefers_explicit_then_website_then_non_free_mail_email(fields: dict[str, str],
                                                                               domain: str | None) -> None:
    assert normalize_lead(fields, {})["company_domain"] == domain


def test_free_mail_list_is_realistic() -> None:
    common = {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "gmx.de", "web.de", "qq.com"}
    assert common <= FREE_MAIL_DOMAINS
    assert len(FREE_MAIL_DOMAINS) >= 60


def test_phone_region_comes_from_default_region_then_country_and_unparseable_text_is_kept() -> None:
    assert lead(email="j@acme.com", phone="(415) 555-2671", country="USA")["phone"] == "+14155552671"
    assert normalize_lead({"email": "j@acme.com", "phone": "030 1234567", "country": "USA"}, {},
                          default_region="DE")["phone"] == "+49301234567"
    result = lead(email="j@acme.com", phone="call reception")
    assert result["phone"] is None and result["custom_fields"] == {"phone_raw": "call reception"}


def test_time_zone_is_kept_when_iana_and_otherwise_moved_to_custom_fields() -> None:
    assert lead(email="j@acme.com", time_zone="europe/berlin")["time_zone"] == "Europe/Berlin"
    result = lead(email="j@acme.com", time_zone="GMT+2 (CEST)")
    assert result["time_zone"] is None and result["custom_fields"] == {"time_zone_raw": "GMT+2 (CEST)"}


def test_unknown_seniority_falls_back_to_the_title_and_keeps_the_raw_value() -> None:
    result = lead(email="j@acme.com", seniority="Rockstar", title="Head of  Growth")
    assert (result["seniority"], result["title"]) == ("head", "Head of Growth")
    assert result["custom_fields"] == {"seniority_raw": "Rockstar"}


def test_tags_source_city_and_contact_form_are_carried_over() -> None:
    result = lead(contact_form_url=" acme.com/contact ", tags="vip; q3|vip", source=" Apollo ", city="Berlin")
    assert (result["contact_form_url"], result["tags"], result["source"], result["city"]) == (
        "https://acme.com/contact", ["vip", "q3"], "Apollo", "Berlin")


# --- rejections ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("fields", "field", "reason"), [
    ({"email": "foo@"}, "email", "not a valid address: 'foo@' (There must be something after the @-sign.)"),
    ({"email": "x" * 100}, "email",
     f"not a valid address: '{'x' * 80}…' (An email address must have an @-sign.)"),
    ({"linkedin_url": "https://www.linkedin.com/company/acme"}, "linkedin_url",
     "not a LinkedIn profile URL: 'https://www.linkedin.com/company/acme' (a company page)"),
    ({"website": "not a url"}, "website", "not a website address: 'not a url' (not a URL)"),
    ({"email": "j@acme.com", "company_domain": "localhost"}, "company_domain",
     "not a domain name: 'localhost' ('localhost' is not under a public suffix)"),
    ({"contact_form_url": "javascript:void(0)"}, "contact_form_url",
     "not an http(s) URL: 'javascript:void(0)' (not a URL)"),
    ({"first_name": "Jane", "company_name": "Acme", "phone": "+14155552671"}, None, UNREACHABLE),
    ({}, None, UNREACHABLE),
    ({"email": "j@acme.com", "title": "t" * 1001}, "title", "too long (1001 characters)"),
])
def test_rows_are_rejected_with_the_field_and_a_readable_reason(fields: dict[str, str], field: str | None,
                                                                reason: str) -> None:
    with pytest.raises(RowRejected) as info:
        normalize_lead(fields, {})
    assert (info.value.field, info.value.reason) == (field, reason)
    assert str(info.value) == (f"{field}: {reason}" if field else reason)


def test_blank_values_count_as_absent() -> None:
    result = normalize_lead({"email": " ", "website": "", "linkedin_url": "linkedin.com/in/jane"}, {})
    assert (result["email"], result["website"]) == (None, None)


def test_a_value_of_exactly_the_length_limit_is_accepted() -> None:
    assert lead(email="j@acme.com", title="t" * 1000)["title"] == "t" * 1000


def check_same_answer(fast: Callable[[str], str], general: Callable[[str], str], raw: str) -> None:
    try:
        expected: str | type[ValueError] = general(raw)
    except ValueError:
        expected = ValueError
    try:
        got: str | type[ValueError] = fast(raw)
    except ValueError:
        got = ValueError
    assert got == expected, raw


URLISH = st.text(st.sampled_from("aAzZ09.-_~/:?#%@ \tIiNnlkedcomhtps"), max_size=40)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.one_of(linkedin_shaped, URLISH,
                 URLISH.map(lambda tail: "https://www.linkedin.com/in/" + tail)))
@example("https://M.LinkedIn.com/IN/Jane.Doe~1/details?x=1")
@example("linkedin.com/in/.")
def test_the_linkedin_fast_path_gives_the_general_parsers_answer(raw: str) -> None:
    check_same_answer(canonical_linkedin_url, values.parsed_linkedin_url, raw)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.one_of(website_shaped, URLISH,
                 URLISH.map(lambda tail: "https://www.acme." + tail)))
@example("HTTP://WWW.Acme.CO.UK:8080/about?x=1#top")
@example("https://-acme-.com")
@example("acme.local")
def test_the_website_fast_path_gives_the_general_parsers_answer(raw: str) -> None:
    check_same_answer(website_domain, values.parsed_website_domain, raw)
