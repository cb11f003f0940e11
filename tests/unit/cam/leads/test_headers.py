import pytest

from aicmo.cam.leads.headers import IMPORT_FIELDS, HeaderMapping, header_key, map_headers, parse_map_options
from aicmo.cam.leads.vocab import HEADER_ALIASES
from aicmo.errors import ImportFileError

APOLLO = [
    "First Name", "Last Name", "Title", "Company", "Company Name for Emails", "Email", "Email Status",
    "Seniority", "Departments", "Contact Owner", "Work Direct Phone", "Home Phone", "Mobile Phone",
    "Corporate Phone", "Other Phone", "# Employees", "Industry", "Keywords", "Person Linkedin Url", "Website",
    "Company Linkedin Url", "Facebook Url", "Twitter Url", "City", "State", "Country", "Company Address",
    "Company City", "Company State", "Company Country", "Company Phone", "SEO Description", "Technologies",
    "Annual Revenue", "Total Funding", "Latest Funding", "Last Raised At", "Email Sent", "Email Open",
    "Replied", "Demoed", "Number of Retail Locations", "Apollo Contact Id", "Apollo Account Id",
    "Secondary Email", "Stage", "Lists",
]

HUBSPOT = [
    "Record ID", "First Name", "Last Name", "Email", "Job Title", "Company Name", "Website URL",
    "Phone Number", "Mobile Phone Number", "City", "State/Region", "Country/Region", "Industry",
    "Number of Employees", "LinkedIn Bio", "Time Zone", "Lifecycle Stage", "Original Source", "Contact owner",
    "Create Date",
]

SALES_NAVIGATOR = [
    "First Name", "Last Name", "Full Name", "Job Title", "Company", "LinkedIn URL", "Sales Navigator URL",
    "Location", "Company Website", "Industry", "Company Headcount",
]


def field_of(header: str) -> str | None:
    """The lead field one header maps to on its own (None: kept as a custom field)."""
    mapping = map_headers([header, "anchor"], {"anchor": "contact_form_url"})
    found = [field for field, sources in mapping.fields.items() if header in sources]
    assert len(found) <= 1
    return found[0] if found else None


# --- header keys ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("header", "key"), [
    ("First Name", "first name"),
    ("first_name", "first name"),
    ("firstName", "first name"),
    ("FIRST-NAME", "first name"),
    ("  First   Name ", "first name"),
    ("\ufeffEmail", "email"),
    ("# Employees", "employees"),
    ("State/Region", "state region"),
    ("LinkedIn URL", "linkedin url"),
    ("linkedinUrl", "linkedin url"),
    ("organization.name", "organization name"),
    ("E-mail", "e mail"),
])
def test_header_key_ignores_case_punctuation_bom_and_camel_case(header: str, key: str) -> None:
    assert header_key(header) == key


def test_every_import_field_has_aliases_and_no_alias_names_two_fields() -> None:
    assert set(HEADER_ALIASES) == IMPORT_FIELDS
    keys = [key for aliases in HEADER_ALIASES.values() for key in aliases]
    assert len(keys) == len(set(keys))


# --- exports from known tools --------------------------------------------------------------------------
def test_apollo_export_maps_person_columns_and_keeps_the_rest_as_custom() -> None:
    mapping = map_headers(APOLLO)
    assert mapping.fields == {
        "first_name": ("First Name",), "last_name": ("Last Name",), "email": ("Email",),
        "title": ("Title",), "seniority": ("Seniority",), "department": ("Departments",),
        "company_name": ("Company", "Company Name for Emails"), "company_size": ("# Employees",),
        "industry": ("Industry",), "website": ("Website",), "linkedin_url": ("Person Linkedin Url",),
        "phone": ("Work Direct Phone", "Mobile Phone", "Corporate Phone", "Home Phone", "Other Phone"),
        "city": ("City",), "state": ("State",), "country": ("Country",),
    }
    for header in ("Email Status", "Company Linkedin Url", "Secondary Email", "Contact Owner", "Keywords",
                   "Company City", "Company Phone", "Apollo Contact Id", "Lists", "Stage"):
        assert header in mapping.custom
    mapped = {h for sources in mapping.fields.values() for h in sources}
    assert mapped | set(mapping.custom) == set(APOLLO)


def test_hubspot_export_maps_its_spellings() -> None:
    mapping = map_headers(HUBSPOT)
    assert mapping.fields["title"] == ("Job Title",)
    assert mapping.fields["company_name"] == ("Company Name",)
    assert mapping.fields["website"] == ("Website URL",)
    assert mapping.fields["phone"] == ("Mobile Phone Number", "Phone Number")
    assert mapping.fields["state"] == ("State/Region",)
    assert mapping.fields["country"] == ("Country/Region",)
    assert mapping.fields["company_size"] == ("Number of Employees",)
    assert mapping.fields["linkedin_url"] == ("LinkedIn Bio",)
    assert mapping.fields["time_zone"] == ("Time Zone",)
    assert mapping.fields["source"] == ("Original Source",)
    assert set(mapping.custom) == {"Record ID", "Lifecycle Stage", "Contact owner", "Create Date"}


def test_sales_navigator_export_maps_the_sales_navigator_link_to_its_own_field_and_location_to_city() -> None:
    mapping = map_headers(SALES_NAVIGATOR)
    assert mapping.fields["linkedin_url"] == ("LinkedIn URL",)
    assert mapping.fields["full_name"] == ("Full Name",)
    assert mapping.fields["city"] == ("Location",)
    assert mapping.fields["website"] == ("Company Website",)
    assert mapping.fields["company_size"] == ("Company Headcount",)
    assert mapping.fields["sales_navigator_url"] == ("Sales Navigator URL",)
    assert mapping.custom == ()


@pytest.mark.parametrize(("header", "field"), [
    ("Email Address", "email"), ("E-mail", "email"), ("Work Email", "email"), ("Business Email", "email"),
    ("person.email", "email"), ("contactEmail", "email"),
    ("Person Linkedin Url", "linkedin_url"), ("linkedinUrl", "linkedin_url"), ("linkedin", "linkedin_url"),
    ("Profile URL", "linkedin_url"), ("LinkedIn Profile URL", "linkedin_url"),
    ("Contact Form", "contact_form_url"), ("Contact Form URL", "contact_form_url"),
    ("Contact Page", "contact_form_url"),
    ("Domain", "company_domain"), ("Company Domain", "company_domain"),
    ("Phone", "phone"), ("Telephone", "phone"), ("Direct Phone", "phone"),
    ("Position", "title"), ("Role", "title"), ("Job Title", "title"),
    ("Tags", "tags"), ("Labels", "tags"), ("Timezone", "time_zone"), ("Lead Source", "source"),
    ("Source", "source"), ("Country Code", "country"), ("Organization Name", "company_name"),
    ("organization.name", "company_name"), ("Current Company", "company_name"),
    ("Name", "full_name"), ("Full Name", "full_name"), ("person.first_name", "first_name"),
    ("Employees", "company_size"), ("Number of Employees", "company_size"),
    ("Employee Count", "company_size"),
    ("Company Size", "company_size"), ("Company Website", "website"), ("Website URL", "website"),
])
def test_common_header_variants_map_to_their_field(header: str, field: str) -> None:
    assert field_of(header) == field


@pytest.mark.parametrize("header", [
    "Email Status", "Secondary Email", "Company Linkedin Url", "Contact Owner",
    "Lifecycle Stage", "Record ID", "Create Date", "Keywords", "Company City", "Company Phone", "Lead Status",
    "Facebook Url", "Twitter Url", "Headline",
])
def test_lookalike_headers_stay_custom_fields(header: str) -> None:
    assert field_of(header) is None


# --- priority ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("headers", "field", "order"), [
    (["Other Phone", "Home Phone", "Corporate Phone", "Phone", "Mobile Phone", "Work Direct Phone"], "phone",
     ("Work Direct Phone", "Mobile Phone", "Phone", "Corporate Phone", "Home Phone", "Other Phone")),
    (["Email Address", "Work Email", "Email"], "email", ("Email", "Work Email", "Email Address")),
    (["Organization", "Company Name for Emails", "Company", "Company Name"], "company_name",
     ("Company Name", "Company", "Company Name for Emails", "Organization")),
    (["Location", "City"], "city", ("City", "Location")),
    (["Website URL", "Company Website", "Website"], "website", ("Website", "Company Website", "Website URL")),
    (["Number of Employees", "Company Size", "# Employees"], "company_size",
     ("# Employees", "Company Size", "Number of Employees")),
])
def test_several_columns_for_one_field_are_tried_best_first(headers: list[str], field: str,
                                                            order: tuple[str, ...]) -> None:
    assert map_headers([*headers, "Website"]).fields[field] == order


def test_same_rank_columns_keep_file_order() -> None:
    mapping = map_headers(["EMAIL", "Work Email", "e_mail", "email"])
    assert mapping.fields["email"] == ("EMAIL", "email", "Work Email", "e_mail")


def test_duplicate_and_blank_headers_are_mapped_once_and_blank_ones_dropped() -> None:
    mapping = map_headers(["Email", "Email", "", "  "])
    assert mapping.fields == {"email": ("Email",)}
    assert mapping.custom == ()


# --- overrides -----------------------------------------------------------------------------------------
def test_an_override_takes_priority_over_automatic_mapping() -> None:
    mapping = map_headers(["Email", "Personal Mail", "Notes"], {"Personal Mail": "email", "Notes": "title"})
    assert mapping.fields["email"] == ("Personal Mail", "Email")
    assert mapping.fields["title"] == ("Notes",)
    assert mapping.custom == ()


@pytest.mark.parametrize("ignore", ["ignore", "-", "IGNORE"])
def test_an_ignore_override_drops_the_column_entirely(ignore: str) -> None:
    mapping = map_headers(["Email", "Junk", "Title"], {"Junk": ignore, "Title": ignore})
    assert mapping.fields == {"email": ("Email",)}
    assert mapping.custom == ()


def test_an_override_column_matches_by_normalised_name_and_field_by_spelling() -> None:
    mapping = map_headers(["Col A", "Email"], {"col_a": "First Name"})
    assert mapping.fields["first_name"] == ("Col A",)


def test_an_override_for_a_missing_column_lists_the_columns() -> None:
    message = r"'Nope' is not a column of this file; columns: 'Email', 'City'"
    with pytest.raises(ImportFileError, match=message):
        map_headers(["Email", "City"], {"Nope": "email"})


def test_an_override_to_an_unknown_field_lists_the_valid_fields() -> None:
    message = r"unknown field 'mail'; valid fields: city, company_domain.*ignore"
    with pytest.raises(ImportFileError, match=message):
        map_headers(["Email", "City"], {"City": "mail"})


def test_an_override_can_make_a_file_without_reach_columns_importable() -> None:
    mapping = map_headers(["Who", "Where"], {"Where": "email"})
    assert mapping.fields == {"email": ("Where",)}
    assert mapping.custom == ("Who",)


# --- no way to reach anyone ----------------------------------------------------------------------------
def test_a_file_without_email_linkedin_or_website_columns_is_refused_with_the_headers_shown() -> None:
    headers = [f"Col {i}" for i in range(12)]
    with pytest.raises(ImportFileError) as info:
        map_headers(["First Name", *headers])
    assert str(info.value) == (
        "no column for email, LinkedIn URL or website; found: First Name, Col 0, Col 1, Col 2, Col 3, Col 4, "
        "Col 5, Col 6, Col 7, Col 8, …; map one with --map COLUMN=email"
    )


@pytest.mark.parametrize(("reach", "field"), [
    ("Email", "email"), ("LinkedIn URL", "linkedin_url"), ("Website", "website"),
    ("Contact Form", "contact_form_url"), ("Domain", "company_domain"),
])
def test_any_one_reach_column_is_enough(reach: str, field: str) -> None:
    mapping = map_headers(["First Name", reach])
    assert (mapping.fields, mapping.custom) == ({"first_name": ("First Name",), field: (reach,)}, ())


# --- extract -------------------------------------------------------------------------------------------
def test_extract_returns_stripped_non_empty_values_first_non_empty_source_winning() -> None:
    mapping = map_headers(["Work Direct Phone", "Mobile Phone", "Email", "Keywords", "Stage", "Company"])
    fields, custom = mapping.extract({
        "Work Direct Phone": "   ", "Mobile Phone": " +1 415 555 2671 ", "Email": "jane@acme.com\n",
        "Keywords": " saas ", "Stage": "", "Company": "",
    })
    assert fields == {"phone": "+1 415 555 2671", "email": "jane@acme.com"}
    assert custom == {"Keywords": "saas"}


def test_extract_tolerates_rows_missing_columns() -> None:
    mapping = map_headers(["Email", "Keywords"])
    assert mapping.extract({}) == ({}, {})


def test_header_mapping_can_be_built_directly() -> None:
    mapping = HeaderMapping(fields={"email": ("E",)}, custom=("X",))
    assert mapping.extract({"E": " a@b.co ", "X": "1"}) == ({"email": "a@b.co"}, {"X": "1"})


# --- --map options -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("options", "parsed"), [
    ([], {}),
    (["Col A=email", "Junk=ignore"], {"Col A": "email", "Junk": "ignore"}),
    ([" Col A = email "], {"Col A": "email"}),
    (["a=b=title"], {"a=b": "title"}),
    (["X=-"], {"X": "-"}),
    (["X=email", "X=email"], {"X": "email"}),
])
def test_map_options_parse_column_equals_field(options: list[str], parsed: dict[str, str]) -> None:
    assert parse_map_options(options) == parsed


@pytest.mark.parametrize(("option", "message"), [
    ("email", r"bad --map option 'email': expected COLUMN=FIELD"),
    ("=email", r"bad --map option '=email'"),
    ("Col A=", r"bad --map option 'Col A='"),
    ("Col A= ", r"bad --map option 'Col A= '"),
])
def test_a_malformed_map_option_is_refused_naming_it(option: str, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        parse_map_options([option])


def test_one_column_mapped_to_two_fields_is_refused() -> None:
    with pytest.raises(ImportFileError, match="'X' given twice: email and title"):
        parse_map_options(["X=email", "X=title"])
