"""Deterministic synthetic Apollo "people" exports, for the import benchmark and tests.

Usage from a sibling script::

    sys.path.insert(0, str(Path(__file__).parent))
    import leadgen
    leadgen.write_csv(Path("/tmp/leads_1m.csv"), 1_000_000)
    leadgen.expected_counts(1_000_000)  # what the importer must report

Generation scheme
-----------------
Everything is a pure function of ``seed`` (pools, people) and ``(n, seed)`` (row layout), so the same
``(n, seed)`` always gives byte-identical output. Faker is only used once per seed to build pools;
rows are then assembled from the pools with integer hashing and one ``random.Random`` stream, in
constant memory.

* Pools (cached per seed): 3,000 first names and 3,000 last names from Faker's locale name lists
  (one token each, no spaces, last names without hyphens, unique after accent folding and
  lower-casing), 20,000 companies (unique domain, HQ, industry, head count, ...), and a weighted
  table of roles (title, Apollo seniority, Apollo departments).
* Row kinds: exactly ``round(n * duplicate_rate)`` duplicates and ``round(n * invalid_rate)`` invalid
  rows (rounded half up), of which ``ceil(half)`` carry a malformed email and ``floor(half)`` are
  unreachable; all other rows are originals (see :func:`expected_counts`, O(1)). Kinds are placed by
  sequential selection sampling (each kind is drawn with probability rows_left_of_kind / rows_left),
  which gives exact counts in O(1) memory; no duplicate is drawn before the first original.
* Person ``k`` (the k-th original row) is a function of ``(seed, k)`` only. A keyed 4-round Feistel
  permutation (with cycle walking) maps ``k`` bijectively into ``[0, C*F*L)`` and the image ``u`` is
  split into company ``u % C``, first name ``(u // C) % F`` and last name ``u // (C*F)``. Because the
  map is a bijection, no two people share (first name, last name, company): the full name is unique
  per company domain, while the same full name does occur at different companies. Everything else
  about the person (role, whether it has an email/LinkedIn/phone, personal mailbox, phone numbers,
  ...) comes from splitmix64 hashes of ``k``.
* Keys: email ``first.last.<k>@domain`` (some ``flast.<k>`` / ``first.<k>``; always ending in
  ``.<k>`` with no digits in the name part) and LinkedIn ``https://www.linkedin.com/in/first-last-<h>``
  where ``<h>`` is 8 hex digits of a bijective scramble of ``k``: both unique by construction.
* Duplicates re-derive an earlier person (uniform over the originals emitted so far) from its index
  and re-emit it with realistic differences: email case/spaces, another LinkedIn URL form, another
  website form, blanked fields, a changed title, ALL CAPS names. They keep at least one of the
  person's own email / LinkedIn keys and never carry a key of somebody else (their name + domain, when
  there is a domain, is the original's too), so an importer must merge every one of them.
* Valid-row mess: ~10% no email (LinkedIn only), ~6% of the rest no LinkedIn, ~5% of emails at
  gmail/yahoo/outlook/... (company domain then only from Website), ~20% no personal phone, ~5% stray
  whitespace, ~3% ALL CAPS names, phones in several national/international forms of the company's
  country (US/CA numbers in the fictional 555-01xx range), six website forms.
* Invalid rows use people from the top of the permutation's domain (``k = C*F*L - 1 - j``), disjoint
  from all originals, with no LinkedIn, no website, no company LinkedIn and no phones; either a
  malformed email (``first.last@``, ``first@@domain``, ``first.last.domain``) or no email at all.
"""

from __future__ import annotations

import bisect
import csv
import importlib
import itertools
import math
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from faker import Faker

__all__ = [
    "APOLLO_HEADERS",
    "COUNTRIES",
    "ROLES",
    "expected_counts",
    "format_phone",
    "generate_labeled",
    "generate_rows",
    "linkedin_slug",
    "pools",
    "write_csv",
]

APOLLO_HEADERS: list[str] = [
    "First Name",
    "Last Name",
    "Title",
    "Company",
    "Company Name for Emails",
    "Email",
    "Email Status",
    "Seniority",
    "Departments",
    "Contact Owner",
    "First Phone",
    "Work Direct Phone",
    "Mobile Phone",
    "Corporate Phone",
    "# Employees",
    "Industry",
    "Keywords",
    "Person Linkedin Url",
    "Website",
    "Company Linkedin Url",
    "City",
    "State",
    "Country",
    "Company Address",
    "Company City",
    "Company State",
    "Company Country",
    "Technologies",
    "Annual Revenue",
    "Apollo Contact Id",
    "Apollo Account Id",
]

# Column positions, in APOLLO_HEADERS order.
(_FIRST, _LAST, _TITLE, _COMPANY, _COMPANY_EMAILS, _EMAIL, _EMAIL_STATUS, _SENIORITY, _DEPARTMENTS,
 _OWNER, _FIRST_PHONE, _DIRECT_PHONE, _MOBILE_PHONE, _CORP_PHONE, _EMPLOYEES, _INDUSTRY, _KEYWORDS,
 _LINKEDIN, _WEBSITE, _COMPANY_LINKEDIN, _CITY, _STATE, _COUNTRY, _ADDRESS, _COMPANY_CITY,
 _COMPANY_STATE, _COMPANY_COUNTRY, _TECHNOLOGIES, _REVENUE, _CONTACT_ID, _ACCOUNT_ID) = range(31)

N_FIRST_NAMES = 3_000
N_LAST_NAMES = 3_000
N_COMPANIES = 20_000

# --------------------------------------------------------------------------------------------------
# Static reference data
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    weight: float
    locale: str
    tlds: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (city, state/region)
    dial: str
    trunk: str  # national trunk prefix ("0") or ""
    landlines: tuple[tuple[str, int], ...]  # (area code, subscriber digits)
    mobiles: tuple[tuple[str, int], ...]
    grouping: str  # how the subscriber number is grouped: "sp", "none", "pairs", "dash"


COUNTRIES: tuple[Country, ...] = (
    Country("US", "United States", 44, "en_US", (".com", ".com", ".com", ".io", ".co", ".ai"),
            (("San Francisco", "California"), ("New York", "New York"), ("Austin", "Texas"),
             ("Seattle", "Washington"), ("Boston", "Massachusetts"), ("Chicago", "Illinois"),
             ("Denver", "Colorado"), ("Atlanta", "Georgia"), ("Los Angeles", "California"),
             ("Miami", "Florida"), ("Raleigh", "North Carolina"), ("Salt Lake City", "Utah"),
             ("Minneapolis", "Minnesota"), ("Pittsburgh", "Pennsylvania")),
            "1", "", (("415", 7), ("212", 7), ("512", 7), ("206", 7), ("617", 7), ("312", 7),
                      ("303", 7), ("404", 7)), (("646", 7), ("628", 7), ("737", 7)), "us"),
    Country("GB", "United Kingdom", 12, "en_GB", (".co.uk", ".com", ".io"),
            (("London", "England"), ("Manchester", "England"), ("Edinburgh", "Scotland"),
             ("Bristol", "England"), ("Cambridge", "England"), ("Leeds", "England"),
             ("Cardiff", "Wales"), ("Belfast", "Northern Ireland")),
            "44", "0", (("20", 8), ("161", 7), ("117", 7), ("131", 7)), (("7911", 6), ("7848", 6)), "sp"),
    Country("DE", "Germany", 8, "de_DE", (".de", ".de", ".com", ".io"),
            (("Berlin", "Berlin"), ("Munich", "Bavaria"), ("Hamburg", "Hamburg"),
             ("Frankfurt", "Hesse"), ("Cologne", "North Rhine-Westphalia"),
             ("Stuttgart", "Baden-Württemberg"), ("Düsseldorf", "North Rhine-Westphalia"),
             ("Leipzig", "Saxony")),
            "49", "0", (("30", 7), ("89", 8), ("40", 8), ("69", 8), ("221", 7)),
            (("151", 8), ("160", 8), ("176", 8)), "none"),
    Country("FR", "France", 6, "fr_FR", (".fr", ".fr", ".com", ".io"),
            (("Paris", "Île-de-France"), ("Lyon", "Auvergne-Rhône-Alpes"), ("Toulouse", "Occitanie"),
             ("Nantes", "Pays de la Loire"), ("Bordeaux", "Nouvelle-Aquitaine"), ("Lille", "Hauts-de-France"),
             ("Montpellier", "Occitanie")),
            "33", "0", (("1", 8), ("4", 8), ("5", 8)), (("6", 8), ("7", 8)), "pairs"),
    Country("NL", "Netherlands", 4, "nl_NL", (".nl", ".nl", ".com", ".io"),
            (("Amsterdam", "North Holland"), ("Rotterdam", "South Holland"), ("Utrecht", "Utrecht"),
             ("Eindhoven", "North Brabant"), ("The Hague", "South Holland"), ("Groningen", "Groningen")),
            "31", "0", (("20", 7), ("10", 7), ("30", 7)), (("6", 8),), "sp"),
    Country("CA", "Canada", 6, "en_CA", (".ca", ".com", ".io"),
            (("Toronto", "Ontario"), ("Vancouver", "British Columbia"), ("Montreal", "Quebec"),
             ("Ottawa", "Ontario"), ("Calgary", "Alberta"), ("Waterloo", "Ontario")),
            "1", "", (("416", 7), ("604", 7), ("514", 7), ("613", 7), ("403", 7)), (("647", 7),), "us"),
    Country("AU", "Australia", 4, "en_AU", (".com.au", ".com", ".io"),
            (("Sydney", "New South Wales"), ("Melbourne", "Victoria"), ("Brisbane", "Queensland"),
             ("Perth", "Western Australia"), ("Adelaide", "South Australia")),
            "61", "0", (("2", 8), ("3", 8)), (("491", 6),), "sp"),
    Country("IN", "India", 5, "en_IN", (".in", ".com", ".io"),
            (("Bengaluru", "Karnataka"), ("Mumbai", "Maharashtra"), ("Hyderabad", "Telangana"),
             ("Pune", "Maharashtra"), ("Chennai", "Tamil Nadu"), ("Gurugram", "Haryana")),
            "91", "0", (("80", 8), ("22", 8)), (("98", 8), ("99", 8)), "sp"),
    Country("ES", "Spain", 3, "es_ES", (".es", ".com"),
            (("Madrid", "Community of Madrid"), ("Barcelona", "Catalonia"),
             ("Valencia", "Valencian Community"), ("Seville", "Andalusia"), ("Bilbao", "Basque Country")),
            "34", "", (("91", 7), ("93", 7)), (("6", 8),), "sp"),
    Country("SE", "Sweden", 2, "sv_SE", (".se", ".com", ".io"),
            (("Stockholm", "Stockholm County"), ("Gothenburg", "Västra Götaland County"),
             ("Malmö", "Skåne County")),
            "46", "0", (("8", 7),), (("70", 7), ("73", 7)), "sp"),
    Country("BR", "Brazil", 2, "pt_BR", (".com.br", ".com"),
            (("São Paulo", "São Paulo"), ("Rio de Janeiro", "Rio de Janeiro"),
             ("Belo Horizonte", "Minas Gerais"), ("Florianópolis", "Santa Catarina")),
            "55", "", (("11", 8), ("21", 8)), (("11", 9), ("21", 9)), "dash"),
    Country("IE", "Ireland", 2, "en_IE", (".ie", ".com", ".io"),
            (("Dublin", "County Dublin"), ("Cork", "County Cork"), ("Galway", "County Galway")),
            "353", "0", (("1", 7),), (("87", 7), ("86", 7)), "sp"),
    Country("PL", "Poland", 2, "pl_PL", (".pl", ".com"),
            (("Warsaw", "Masovian Voivodeship"), ("Kraków", "Lesser Poland Voivodeship"),
             ("Wrocław", "Lower Silesian Voivodeship"), ("Gdańsk", "Pomeranian Voivodeship")),
            "48", "", (("22", 7), ("12", 7)), (("512", 6), ("601", 6)), "sp"),
)

# (title, Apollo seniority, Apollo departments, weight). Titles of one department are what a duplicate
# row's "changed title" is drawn from.
ROLES: tuple[tuple[str, str, str, int], ...] = (
    ("CTO", "c_suite", "c_suite, master_engineering_technical", 2),
    ("VP of Engineering", "vp", "master_engineering_technical", 3),
    ("VP Engineering", "vp", "master_engineering_technical", 2),
    ("Head of Engineering", "head", "master_engineering_technical", 3),
    ("Head of Platform", "head", "master_engineering_technical", 1),
    ("Director of Engineering", "director", "master_engineering_technical", 4),
    ("Engineering Director", "director", "master_engineering_technical", 1),
    ("Engineering Manager", "manager", "master_engineering_technical", 6),
    ("Senior Engineering Manager", "manager", "master_engineering_technical", 2),
    ("Staff Software Engineer", "senior", "master_engineering_technical", 3),
    ("Principal Engineer", "senior", "master_engineering_technical", 2),
    ("Senior Software Engineer", "senior", "master_engineering_technical", 8),
    ("Software Engineer", "entry", "master_engineering_technical", 8),
    ("DevOps Engineer", "senior", "master_engineering_technical", 3),
    ("Software Engineering Intern", "intern", "master_engineering_technical", 1),
    ("Chief Revenue Officer", "c_suite", "c_suite, master_sales", 1),
    ("VP of Sales", "vp", "master_sales", 3),
    ("VP Sales", "vp", "master_sales", 1),
    ("Head of Sales", "head", "master_sales", 3),
    ("Director of Sales", "director", "master_sales", 3),
    ("Sales Director", "director", "master_sales", 2),
    ("Sales Manager", "manager", "master_sales", 4),
    ("Regional Sales Manager", "manager", "master_sales", 2),
    ("Account Executive", "senior", "master_sales", 7),
    ("Senior Account Executive", "senior", "master_sales", 3),
    ("Sales Development Representative", "entry", "master_sales", 5),
    ("Business Development Representative", "entry", "master_sales", 3),
    ("Sales Intern", "intern", "master_sales", 1),
    ("Chief Marketing Officer", "c_suite", "c_suite, master_marketing", 1),
    ("VP of Marketing", "vp", "master_marketing", 2),
    ("Head of Growth", "head", "master_marketing", 1),
    ("Marketing Manager", "manager", "master_marketing", 4),
    ("Content Marketing Specialist", "entry", "master_marketing", 2),
    ("CEO", "c_suite", "c_suite", 3),
    ("Founder & CEO", "founder", "c_suite", 2),
    ("Co-Founder", "founder", "c_suite", 2),
    ("Owner", "owner", "c_suite", 2),
    ("Managing Director", "c_suite", "c_suite", 1),
    ("Chief Operating Officer", "c_suite", "c_suite, master_operations", 1),
    ("Managing Partner", "partner", "c_suite", 1),
    ("Partner", "partner", "master_finance", 1),
    ("Finance Director", "director", "master_finance", 1),
    ("Financial Controller", "manager", "master_finance", 1),
    ("HR Manager", "manager", "master_human_resources", 2),
    ("Talent Acquisition Specialist", "entry", "master_human_resources", 2),
    ("Operations Manager", "manager", "master_operations", 2),
    ("Store Manager", "manager", "master_operations", 1),
    ("Customer Success Manager", "manager", "master_operations", 2),
    ("IT Manager", "manager", "master_information_technology", 2),
    ("Head of IT", "head", "master_information_technology", 1),
    ("Student", "entry", "master_education", 1),
)

# (industry, weight, keywords, software-like?)
_INDUSTRIES: tuple[tuple[str, int, tuple[str, ...], bool], ...] = (
    ("computer software", 22, ("saas", "b2b", "cloud", "devops", "api", "developer tools", "platform",
                               "data infrastructure", "enterprise software"), True),
    ("information technology & services", 14, ("it services", "cloud", "managed services", "consulting",
                                                "cybersecurity", "digital transformation"), True),
    ("internet", 8, ("marketplace", "e-commerce", "saas", "mobile apps", "consumer internet"), True),
    ("financial services", 6, ("fintech", "payments", "wealth management", "lending", "banking"), False),
    ("marketing & advertising", 5, ("digital marketing", "seo", "performance marketing", "branding",
                                    "content marketing"), False),
    ("hospital & health care", 5, ("healthcare", "telehealth", "patient care", "medical devices"), False),
    ("retail", 6, ("retail", "omnichannel", "consumer goods", "fashion", "stores"), False),
    ("hospitality", 4, ("hotels", "restaurants", "travel", "hospitality", "events"), False),
    ("staffing & recruiting", 3, ("recruiting", "staffing", "talent acquisition", "hr"), False),
    ("management consulting", 4, ("strategy", "consulting", "operations", "transformation"), False),
    ("construction", 3, ("construction", "engineering", "infrastructure", "real estate"), False),
    ("higher education", 3, ("education", "research", "university", "e-learning"), False),
    ("logistics & supply chain", 3, ("logistics", "freight", "supply chain", "warehousing"), False),
    ("telecommunications", 2, ("telecom", "5g", "networking", "connectivity"), False),
    ("food & beverages", 2, ("food", "beverages", "cpg", "restaurants"), False),
    ("automotive", 2, ("automotive", "ev", "mobility", "manufacturing"), False),
    ("insurance", 2, ("insurance", "insurtech", "risk", "claims"), False),
)

_TECH_STACK = (
    "Salesforce", "HubSpot", "Google Analytics", "Google Tag Manager", "AWS", "Google Cloud",
    "Microsoft Azure", "Slack", "Zoom", "Jira", "Confluence", "GitHub", "GitLab", "Kubernetes", "Docker",
    "React", "Node.js", "Python", "PostgreSQL", "Snowflake", "Segment", "Intercom", "Zendesk", "Stripe",
    "Shopify", "WordPress", "Cloudflare", "Datadog", "Okta", "Microsoft Office 365", "Gmail", "Marketo",
    "Outreach", "Gong",
)

# (low, high, weight) employee buckets
_SIZE_BUCKETS = ((2, 10, 10), (11, 50, 18), (51, 200, 24), (201, 1000, 24), (1001, 5000, 14),
                 (5001, 100_000, 10))

_BRAND_HEADS = (
    "Cloud", "Data", "Stack", "Flow", "Bright", "Blue", "North", "Signal", "Pixel", "Vector", "Quant", "Nova",
    "Orbit", "Hyper", "Apex", "Core", "Sky", "Iron", "Tidal", "Lumen", "Atlas", "Zen", "Echo", "Nimbus",
    "Forge", "Beacon", "Cipher", "Harbor", "Summit", "Vertex", "Kite", "Maple", "Cobalt", "Amber", "Birch",
    "Delta", "Ember", "Fable", "Glide", "Helix", "Indigo", "Jolt", "Kinetic", "Lattice", "Meridian", "Nexa",
    "Onyx", "Prism", "Quill", "Rally", "Sable", "Terra", "Umbra", "Vivid", "Willow", "Xeno", "Yonder",
    "Zephyr",
)
_BRAND_TAILS = (
    "ly", "ify", "hub", "stack", "works", "labs", "base", "loop", "path", "wave", "grid", "mind", "scale",
    "sense", "bit", "flow", "line", "desk", "ops", "ware", "io", "sync", "craft", "point", "forge", "leaf",
)
_BRAND_SUFFIXES = ("", "", " Inc.", " Labs", " Technologies", " Software", " AI", " Systems", " HQ")

_LEGAL_WORDS = frozenset((
    "and", "et", "und", "en", "y", "e", "inc", "llc", "ltd", "plc", "group", "gmbh", "ag", "co", "kg", "sa",
    "sas", "sarl", "bv", "nv", "ab", "spj", "sp", "zoo", "pty", "limited", "sons", "fils", "coop", "s", "a",
    "i", "o", "the", "of", "van", "der", "de", "la", "le", "les", "gmbhcokg",
))

_PERSONAL_DOMAINS = ("gmail.com", "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "gmail.com",
                     "icloud.com", "gmail.com")
_EMAIL_STATUSES = ("Verified", "Verified", "Verified", "Verified", "Verified", "Unverified", "Extrapolated",
                   "Likely to engage")
_OWNERS = ("", "", "maria.lopez@example.com", "sam.okafor@example.com", "lena.hoffmann@example.com")
_WEBSITE_FORMS = ("http://www.{}", "{}", "https://{}/", "https://www.{}", "www.{}", "http://{}")
_LINKEDIN_FORMS = (
    "http://www.linkedin.com/in/{}",
    "https://de.linkedin.com/in/{}",
    "https://uk.linkedin.com/in/{}/",
    "https://fr.linkedin.com/in/{}",
    "https://www.linkedin.com/in/{}?utm_source=share&utm_medium=member_desktop",
    "https://www.linkedin.com/in/{}/",
    "linkedin.com/in/{}",
    "https://linkedin.com/in/{}/?originalSubdomain=nl",
    "www.linkedin.com/in/{}",
)

# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------

_M64 = (1 << 64) - 1
_FEISTEL_MUL = 0xD1342543DE82EF95
_SLUG_MUL = 0x2545F491  # odd -> k * _SLUG_MUL mod 2**32 is a bijection on 32-bit integers

_FOLD_TABLE = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "Æ": "AE",
                             "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "ı": "i"})


def ascii_fold(text: str) -> str:
    """'Łukasz Dvořák' -> 'Lukasz Dvorak' (drops whatever has no ASCII equivalent)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_TABLE))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _mix(x: int) -> int:
    """splitmix64 finaliser: a well-spread 64-bit hash of x."""
    x = (x + 0x9E3779B97F4A7C15) & _M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


class _Permutation:
    """Keyed bijection of range(size): a 4-round Feistel network on 2*half bits plus cycle walking."""

    def __init__(self, size: int, rng: random.Random) -> None:
        bits = max(2, (size - 1).bit_length())
        bits += bits & 1
        self.size = size
        self.half = bits // 2
        self.mask = (1 << self.half) - 1
        self.shift = 64 - self.half
        self.keys = tuple(rng.getrandbits(64) for _ in range(4))

    def __call__(self, x: int) -> int:
        half, mask, shift, size = self.half, self.mask, self.shift, self.size
        k0, k1, k2, k3 = self.keys
        while True:
            left, right = x >> half, x & mask
            left ^= (((right ^ k0) * _FEISTEL_MUL) & _M64) >> shift
            right ^= (((left ^ k1) * _FEISTEL_MUL) & _M64) >> shift
            left ^= (((right ^ k2) * _FEISTEL_MUL) & _M64) >> shift
            right ^= (((left ^ k3) * _FEISTEL_MUL) & _M64) >> shift
            x = (left << half) | right
            if x < size:
                return x


# First digits of subscriber numbers that phonenumbers accepts as valid, where not all of 2-9 are.
_LEADING_DIGITS = {
    ("GB", "20", 8): "378", ("GB", "117", 7): "234", ("GB", "131", 7): "2345678", ("GB", "7911", 6): "278",
    ("FR", "5", 8): "2345678", ("FR", "6", 8): "245678", ("FR", "7", 8): "345678", ("NL", "6", 8): "234568",
    ("AU", "2", 8): "2678", ("AU", "3", 8): "2389", ("IN", "22", 8): "2345679", ("BR", "11", 8): "2345",
    ("BR", "21", 8): "2345", ("BR", "11", 9): "9", ("BR", "21", 9): "9",
}


def _digits(number: int, count: int, leads: str) -> str:
    """`count` pseudo-random digits from `number`, the first one taken from `leads`."""
    first = leads[number % len(leads)]
    return f"{first}{(number // len(leads)) % 10 ** (count - 1):0{count - 1}d}"


def _group(sub: str, grouping: str) -> str:
    if grouping == "pairs":
        return " ".join(sub[i:i + 2] for i in range(0, len(sub), 2))
    if grouping == "dash":
        return f"{sub[:-4]}-{sub[-4:]}"
    if grouping == "none" or len(sub) < 6:
        return sub
    cut = len(sub) - 4 if len(sub) != 6 else 3
    return f"{sub[:cut]} {sub[cut:]}"


def _format_nanp(area: str, number: int, style: int) -> str:
    line = f"01{number % 100:02d}"  # 555-0100..555-0199: reserved for fiction, valid for phonenumbers
    return (f"+1 {area}-555-{line}", f"({area}) 555-{line}", f"{area}.555.{line}", f"+1{area}555{line}",
            f"+1 ({area}) 555-{line}")[style % 5]


def format_phone(country: Country, number: int, *, mobile: bool = False, style: int = 0) -> str:
    """A phone number for `country` in one of its usual written forms; `number` picks the digits."""
    plan = country.mobiles if mobile else country.landlines
    area, length = plan[number % len(plan)]
    number //= len(plan)
    if country.grouping == "us":
        return _format_nanp(area, number, style)
    sub = _digits(number, length, _LEADING_DIGITS.get((country.code, area, length), "23456789"))
    grouped = _group(sub, country.grouping)
    style %= 4
    if style == 1 and country.trunk:
        return f"{country.trunk}{area} {grouped}"
    if style == 2:
        return f"+{country.dial}{area}{sub}"
    if style == 3 and country.trunk:
        return f"+{country.dial} ({country.trunk}){area} {grouped}"
    return f"+{country.dial} {area} {grouped}"


def linkedin_slug(first_slug: str, last_slug: str, k: int, key: int = 0) -> str:
    """'first-last-<8 hex>'; the hex part is a bijection of k (k < 2**32), so slugs never repeat."""
    return f"{first_slug}-{last_slug}-{((k * _SLUG_MUL) ^ key) & 0xFFFFFFFF:08x}"


def _weighted_table(weights: list[int], size: int = 1024) -> tuple[int, ...]:
    """A lookup table: table[random % size] is an index drawn with the given weights."""
    total = sum(weights)
    cumulative = []
    acc = 0
    for w in weights:
        acc += w
        cumulative.append(acc)
    return tuple(bisect.bisect_right(cumulative, (i + 0.5) * total / size) for i in range(size))


# --------------------------------------------------------------------------------------------------
# Pools
# --------------------------------------------------------------------------------------------------

_NAME_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "nl_NL", "es_ES", "it_IT", "sv_SE", "da_DK", "cs_CZ",
                 "pl_PL", "pt_BR", "en_IN")
_FIRST_RE = re.compile(r"[^\W\d_]{2,}(?:-[^\W\d_]{2,})?")
_LAST_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True, slots=True)
class Name:
    display: str  # as written: "Łukasz"
    slug: str  # ASCII, lower-case, for emails and LinkedIn: "lukasz"


@dataclass(frozen=True, slots=True)
class Company:
    name: str
    email_name: str  # Apollo's "Company Name for Emails": no legal suffix
    domain: str
    country: Country
    city: str
    state: str
    address: str
    industry: str
    employees: str
    keywords: str
    technologies: str
    revenue: str
    phone: str
    linkedin: str
    account_id: str


@dataclass(frozen=True, slots=True)
class Pools:
    first_names: tuple[Name, ...]
    last_names: tuple[Name, ...]
    companies: tuple[Company, ...]


def _faker_names(attr: str) -> list[str]:
    names: list[str] = []
    for locale in _NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for suffix in ("", "_male", "_female"):
            names.extend(getattr(provider, attr + suffix, ()))
    return names


def _name_pool(attr: str, pattern: re.Pattern[str], size: int, rng: random.Random) -> tuple[Name, ...]:
    """`size` names, unique after folding to lower-case ASCII letters (so no two full names can merge)."""
    seen: dict[str, Name] = {}
    for raw in _faker_names(attr):
        if not pattern.fullmatch(raw) or len(raw) > 16:
            continue
        slug = ascii_fold(raw).lower().replace("'", "")
        key = slug.replace("-", "")
        if key.isascii() and key.isalpha() and key not in seen:
            seen[key] = Name(raw, slug)
    ordered = [seen[key] for key in sorted(seen)]
    if len(ordered) < size:
        raise RuntimeError(f"only {len(ordered)} distinct {attr} in Faker's lists, {size} wanted")
    return tuple(rng.sample(ordered, size))


def _brand_name(rng: random.Random) -> tuple[str, str, str]:
    core = rng.choice(_BRAND_HEADS) + rng.choice(_BRAND_TAILS)
    return core + rng.choice(_BRAND_SUFFIXES), core, core


def _faker_company(fake: Faker) -> tuple[str, str, str]:
    """(company name, name for emails, core words for the domain) from Faker's company()."""
    name: str = fake.company()
    tokens = name.replace(",", " ").split()
    while len(tokens) > 1 and re.sub(r"\W", "", tokens[-1]).lower() in _LEGAL_WORDS:
        tokens.pop()
    words = [w for w in re.findall(r"[^\W\d_]+", name) if w.lower() not in _LEGAL_WORDS]
    return name, " ".join(tokens), " ".join(words[:2]) or name


def _unique_domain(core: str, tld: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]", "", ascii_fold(core).lower())[:24] or "company"
    candidates = (base, base + "hq", "get" + base, base + "group", "try" + base, base + "app")
    for label in itertools.chain(candidates, (f"{base}{i}" for i in range(2, 100_000))):
        domain = label + tld
        if domain not in taken:
            taken.add(domain)
            return domain
    raise RuntimeError(f"no free domain for {core!r}")


class _CompanyFactory:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"leadgen-companies-{seed}")
        self.fakers: dict[str, Faker] = {}
        for i, country in enumerate(COUNTRIES):
            fake = Faker(country.locale)
            fake.seed_instance(seed * 1000 + i)
            self.fakers[country.code] = fake
        self.country_table = _weighted_table([int(c.weight * 10) for c in COUNTRIES])
        self.industry_table = _weighted_table([w for _, w, _, _ in _INDUSTRIES])
        self.size_table = _weighted_table([w for _, _, w in _SIZE_BUCKETS])
        self.domains: set[str] = set()

    def _employees(self) -> int:
        low, high, _ = _SIZE_BUCKETS[self.size_table[self.rng.randrange(1024)]]
        count = round(float(low * (high / low) ** self.rng.random()))  # log-uniform inside the bucket
        return round(count, -1) if count > 200 else count

    def _revenue(self, employees: int) -> str:
        if self.rng.random() < 0.15:
            return ""
        return str(round(employees * self.rng.randint(40, 400) * 1000, -5) or 500_000)

    def make(self, index: int) -> Company:
        rng = self.rng
        country = COUNTRIES[self.country_table[rng.randrange(1024)]]
        fake = self.fakers[country.code]
        industry, _, keywords, software = _INDUSTRIES[self.industry_table[rng.randrange(1024)]]
        name, email_name, core = _brand_name(rng) if software and rng.random() < 0.7 else _faker_company(fake)
        domain = _unique_domain(core, rng.choice(country.tlds), self.domains)
        city, state = rng.choice(country.cities)
        street: str = fake.street_address()
        postcode: str = fake.postcode()
        employees = self._employees()
        phone = ""
        if rng.random() >= 0.15:
            phone = format_phone(country, rng.getrandbits(48), style=rng.randrange(4))
        return Company(
            name=name,
            email_name=email_name,
            domain=domain,
            country=country,
            city=city,
            state=state,
            address=f"{street.replace(chr(10), ' ')}, {city}, {state}, {country.name}, {postcode}",
            industry=industry,
            employees=str(employees),
            keywords=", ".join(rng.sample(keywords, rng.randint(2, min(5, len(keywords))))),
            technologies=", ".join(rng.sample(_TECH_STACK, rng.randint(3, 8))),
            revenue=self._revenue(employees),
            phone=phone,
            linkedin=f"http://www.linkedin.com/company/{domain.split('.')[0]}",
            account_id=f"{0x5F000000 + index:08x}{rng.getrandbits(64):016x}",
        )


@lru_cache(maxsize=4)
def pools(seed: int = 7) -> Pools:
    """Name and company pools for `seed` (built once with Faker, then cached)."""
    rng = random.Random(f"leadgen-names-{seed}")
    first_names = _name_pool("first_names", _FIRST_RE, N_FIRST_NAMES, rng)
    last_names = _name_pool("last_names", _LAST_RE, N_LAST_NAMES, rng)
    factory = _CompanyFactory(seed)
    companies = tuple(factory.make(i) for i in range(N_COMPANIES))
    return Pools(first_names, last_names, companies)


# --------------------------------------------------------------------------------------------------
# People and rows
# --------------------------------------------------------------------------------------------------

_ROLE_TABLE = _weighted_table([w for *_, w in ROLES])


def _roles_by_department() -> dict[str, tuple[int, ...]]:
    """Role indices per main department ("c_suite, master_sales" counts as master_sales)."""
    grouped: dict[str, list[int]] = {}
    for i, (_, _, departments, _) in enumerate(ROLES):
        grouped.setdefault(departments.split(", ")[-1], []).append(i)
    return {department: tuple(indices) for department, indices in grouped.items()}


_ROLES_BY_DEPARTMENT = _roles_by_department()


@dataclass(slots=True)
class Person:
    k: int
    first: Name
    last: Name
    company: Company
    role: int
    email: str  # "" when the person has none
    personal_email: bool
    linkedin_slug: str  # "" when the person has none
    has_phone: bool
    direct: int  # digits seeds for the phones
    mobile: int
    city: str
    state: str
    email_status: str
    contact_id: str


class _People:
    """Person k as a pure function of (seed, k)."""

    def __init__(self, seed: int) -> None:
        self.pools = pools(seed)
        rng = random.Random(f"leadgen-people-{seed}")
        self.n_companies = len(self.pools.companies)
        self.n_first = len(self.pools.first_names)
        self.space = self.n_companies * self.n_first * len(self.pools.last_names)
        self.permute = _Permutation(self.space, rng)
        self.key1 = rng.getrandbits(64)
        self.key2 = rng.getrandbits(64)
        self.slug_key = rng.getrandbits(32)

    def person(self, k: int) -> Person:
        u = self.permute(k)
        rest, c = divmod(u, self.n_companies)
        li, fi = divmod(rest, self.n_first)
        first, last = self.pools.first_names[fi], self.pools.last_names[li]
        company = self.pools.companies[c]
        h = _mix(k ^ self.key1)
        g = _mix(k ^ self.key2)
        has_email = (h >> 10) & 1023 >= 102  # ~10% have no email (but a LinkedIn URL)
        has_linkedin = not has_email or (h >> 20) & 1023 >= 61  # ~6% of those with email have no LinkedIn
        personal = has_email and (h >> 30) & 1023 < 51  # ~5% use a personal mailbox
        email = ""
        if has_email:
            fmt = (h >> 40) & 7
            local = (f"{first.slug}.{last.slug}" if fmt < 5 else
                     f"{first.slug[0]}{last.slug}" if fmt < 7 else first.slug)
            domain = _PERSONAL_DOMAINS[(g >> 61) & 7] if personal else company.domain
            email = f"{local}.{k}@{domain}"
        cities = company.country.cities
        city, state = cities[(h >> 59) % len(cities)] if (h >> 56) & 7 == 0 else (company.city, company.state)
        return Person(
            k=k, first=first, last=last, company=company, role=_ROLE_TABLE[h & 1023], email=email,
            personal_email=personal,
            linkedin_slug=linkedin_slug(first.slug, last.slug, k, self.slug_key) if has_linkedin else "",
            has_phone=(h >> 46) & 1023 >= 205,  # ~20% without a phone
            direct=g & 0xFFFFFFFF, mobile=(g >> 32) & 0x1FFFFFFF,
            city=city, state=state,
            email_status=_EMAIL_STATUSES[(h >> 43) & 7] if has_email else "Unavailable",
            contact_id=f"{0x60000000 + (k >> 24):08x}{(g >> 24) & 0xFFFFFFFFFF:010x}{k & 0xFFFFFF:06x}",
        )


def _base_row(p: Person, website: str, linkedin: str, owner: str) -> list[str]:
    c = p.company
    title, seniority, departments, _ = ROLES[p.role]
    return [
        p.first.display, p.last.display, title, c.name, c.email_name, p.email, p.email_status, seniority,
        departments, owner, "", "", "", c.phone, c.employees, c.industry, c.keywords, linkedin, website,
        c.linkedin, p.city, p.state, c.country.name, c.address, c.city, c.state, c.country.name,
        c.technologies, c.revenue, p.contact_id, c.account_id,
    ]


def _set_phones(row: list[str], p: Person, rng: random.Random) -> None:
    if not p.has_phone:
        return
    country, style = p.company.country, rng.randrange(5)
    direct = format_phone(country, p.direct, style=style) if rng.random() < 0.7 else ""
    mobile = ""
    if not direct or rng.random() < 0.5:
        mobile = format_phone(country, p.mobile, mobile=True, style=style)
    row[_DIRECT_PHONE] = direct
    row[_MOBILE_PHONE] = mobile
    row[_FIRST_PHONE] = direct or mobile


def _pad(row: list[str], rng: random.Random) -> None:
    col = (_FIRST, _LAST, _TITLE, _COMPANY, _EMAIL, _CITY)[rng.randrange(6)]
    if not row[col]:
        col = _LAST
    row[col] = (" ", "  ", "", "\t")[rng.randrange(4)] + row[col] + (" ", "", "  ")[rng.randrange(3)]


def _original_row(p: Person, rng: random.Random) -> list[str]:
    website = _WEBSITE_FORMS[rng.randrange(6)].format(p.company.domain)
    linkedin = f"https://www.linkedin.com/in/{p.linkedin_slug}" if p.linkedin_slug else ""
    row = _base_row(p, website, linkedin, _OWNERS[rng.randrange(5)])
    _set_phones(row, p, rng)
    mess = rng.random()
    if mess < 0.05:  # stray whitespace
        _pad(row, rng)
    elif mess < 0.08:  # ALL CAPS names
        row[_FIRST], row[_LAST] = row[_FIRST].upper(), row[_LAST].upper()
    return row


def _email_variant(email: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        return email.upper()
    if r < 0.5:
        return f"  {email} "
    if r < 0.65:
        local, _, domain = email.partition("@")
        return f"{local.title()}@{domain.capitalize()}"
    return email


def _drop_one_key(row: list[str], rng: random.Random) -> None:
    """Duplicates may lose their email or their LinkedIn URL, but never both."""
    if row[_EMAIL] and row[_LINKEDIN]:
        r = rng.random()
        if r < 0.15:
            row[_EMAIL], row[_EMAIL_STATUS] = "", "Unavailable"
        elif r < 0.30:
            row[_LINKEDIN] = ""


_BLANKABLE = (_FIRST_PHONE, _DIRECT_PHONE, _MOBILE_PHONE, _CORP_PHONE, _CITY, _STATE, _INDUSTRY, _KEYWORDS,
              _TECHNOLOGIES, _REVENUE, _ADDRESS, _EMPLOYEES, _COMPANY_LINKEDIN, _OWNER)


def _change_title(row: list[str], p: Person, rng: random.Random) -> None:
    department = ROLES[p.role][2].split(", ")[-1]
    choices = [i for i in _ROLES_BY_DEPARTMENT[department] if i != p.role] or [p.role]
    title, seniority, departments, _ = ROLES[choices[rng.randrange(len(choices))]]
    row[_TITLE], row[_SENIORITY], row[_DEPARTMENTS] = title, seniority, departments


def _duplicate_row(p: Person, rng: random.Random) -> list[str]:
    website = "" if rng.random() < 0.1 else _WEBSITE_FORMS[rng.randrange(6)].format(p.company.domain)
    linkedin = ""
    if p.linkedin_slug:
        linkedin = _LINKEDIN_FORMS[rng.randrange(len(_LINKEDIN_FORMS))].format(p.linkedin_slug)
    row = _base_row(p, website, linkedin, _OWNERS[rng.randrange(5)])
    _set_phones(row, p, rng)
    if row[_EMAIL]:
        row[_EMAIL] = _email_variant(row[_EMAIL], rng)
    _drop_one_key(row, rng)
    if rng.random() < 0.25:
        _change_title(row, p, rng)
    blank = rng.getrandbits(len(_BLANKABLE)) & rng.getrandbits(len(_BLANKABLE))  # each field: 25%
    for bit, col in enumerate(_BLANKABLE):
        if blank >> bit & 1:
            row[col] = ""
    if rng.random() < 0.08:
        row[_FIRST], row[_LAST] = row[_FIRST].upper(), row[_LAST].upper()
    return row


def _invalid_row(p: Person, rng: random.Random, *, malformed: bool) -> list[str]:
    row = _base_row(p, "", "", _OWNERS[rng.randrange(5)])
    row[_COMPANY_LINKEDIN] = ""
    row[_CORP_PHONE] = ""
    if malformed:
        first, last, domain = p.first.slug, p.last.slug, p.company.domain
        row[_EMAIL] = (f"{first}.{last}@", f"{first}@@{domain}", f"{first}.{last}.{domain}")[rng.randrange(3)]
        row[_EMAIL_STATUS] = "Unverified"
    else:
        row[_EMAIL], row[_EMAIL_STATUS] = "", "Unavailable"
    return row


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------

ORIGINAL = "original"
DUPLICATE = "duplicate"
INVALID_EMAIL = "invalid_email"
UNREACHABLE = "unreachable"


def expected_counts(
    n: int, seed: int = 7, duplicate_rate: float = 0.10, invalid_rate: float = 0.02
) -> dict[str, int]:
    """Exact row counts per kind for generate_rows(n, ...); O(1), the seed does not change them.

    An importer should insert ``originals`` leads, merge ``duplicates`` rows into them and reject
    ``invalid_email + unreachable`` rows.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if not (0 <= duplicate_rate <= 1 and 0 <= invalid_rate <= 1 and duplicate_rate + invalid_rate <= 1):
        raise ValueError("rates must be within [0, 1] and sum to at most 1")
    invalid = min(n, math.floor(n * invalid_rate + 0.5))  # rounded half up
    duplicates = min(n - invalid, math.floor(n * duplicate_rate + 0.5))
    if duplicates and n - invalid - duplicates < 1:  # a duplicate needs an earlier original
        duplicates -= 1
    return {
        "rows": n,
        "originals": n - invalid - duplicates,
        "duplicates": duplicates,
        "invalid_email": (invalid + 1) // 2,
        "unreachable": invalid // 2,
        "rejected": invalid,
    }


def generate_labeled(
    n: int, *, seed: int = 7, duplicate_rate: float = 0.10, invalid_rate: float = 0.02
) -> Iterator[tuple[str, int, list[str]]]:
    """Like generate_rows, but yields (kind, person index, row). For duplicates the person index is
    that of the original they repeat; invalid rows use indices outside the originals' range."""
    counts = expected_counts(n, seed, duplicate_rate, invalid_rate)
    people = _People(seed)
    if counts["originals"] + counts["rejected"] > people.space or counts["originals"] > 1 << 32:
        raise ValueError(f"n={n} is too large for the pools")
    rng = random.Random(f"leadgen-rows-{seed}")
    left = [counts["duplicates"], counts["invalid_email"], counts["unreachable"]]
    originals = invalid = 0
    for remaining in range(n, 0, -1):
        # Selection sampling: each kind with probability (its rows left) / (rows left). Until the first
        # original has been emitted, duplicates are left out of the draw (they need an earlier row).
        pick = rng.randrange(remaining) if originals else left[0] + rng.randrange(remaining - left[0])
        kind = _pick_kind(pick, left)
        if kind is DUPLICATE:
            k = rng.randrange(originals)
            yield kind, k, _duplicate_row(people.person(k), rng)
        elif kind is ORIGINAL:
            yield kind, originals, _original_row(people.person(originals), rng)
            originals += 1
        else:
            k = people.space - 1 - invalid
            invalid += 1
            yield kind, k, _invalid_row(people.person(k), rng, malformed=kind is INVALID_EMAIL)


def _pick_kind(pick: int, left: list[int]) -> str:
    for i, kind in enumerate((DUPLICATE, INVALID_EMAIL, UNREACHABLE)):
        if pick < left[i]:
            left[i] -= 1
            return kind
        pick -= left[i]
    return ORIGINAL


def generate_rows(
    n: int, *, seed: int = 7, duplicate_rate: float = 0.10, invalid_rate: float = 0.02
) -> Iterator[list[str]]:
    """n Apollo-export rows (no header), streamed; see the module docstring for the scheme."""
    for _, _, row in generate_labeled(n, seed=seed, duplicate_rate=duplicate_rate, invalid_rate=invalid_rate):
        yield row


def write_csv(path: Path, n: int, **kw: Any) -> None:
    """Write APOLLO_HEADERS plus generate_rows(n, **kw) to `path` (UTF-8, comma, csv module quoting)."""
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(APOLLO_HEADERS)
        writer.writerows(generate_rows(n, **kw))

