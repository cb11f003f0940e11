"""Clean one imported lead row. Pure functions: no database, no network.

``normalize_lead`` turns the output of ``HeaderMapping.extract`` into the values of a lead, or raises
``RowRejected`` with the field at fault and a reason a user can act on. It runs once per imported row, so
every regex is compiled at import and every lookup over a small value space is cached (bounded).
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

import idna
import phonenumbers
import pycountry
import tldextract
from email_validator import EmailNotValidError, validate_email
from nameparser import HumanName
from nameparser.config import CONSTANTS

from aicmo.cam.leads.enums import EmailStatus
from aicmo.cam.leads.vocab import (
    COUNTRY_ALIASES,
    DEPARTMENT_ALIASES,
    FREE_MAIL_DOMAINS,
    NAME_PARTICLES,
    NON_COMPANY_DOMAINS,
    SENIORITY_ALIASES,
    SENIORITY_TITLE_PATTERNS,
)

__all__ = [
    "FREE_MAIL_DOMAINS", "MAX_VALUE_LENGTH", "RowRejected", "canonical_linkedin_url", "company_size",
    "country_region", "name_key", "normalize_email", "normalize_lead", "normalize_phone", "split_full_name",
    "website_domain",
]

MAX_VALUE_LENGTH = 1000
_CACHE_SIZE = 65536
UNREACHABLE = "unreachable: no email, LinkedIn URL or website"


class RowRejected(Exception):
    """One row cannot be imported; ``field`` is the lead field at fault (None: the row as a whole)."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


# --- email ---------------------------------------------------------------------------------------------
# The common shape of an address, lower-case ASCII only. Everything it matches, email-validator accepts
# unchanged (tests/cam/leads/test_normalize.py proves it with hypothesis); everything else goes to
# email-validator, which handles Unicode and IDN and says precisely what is wrong.
_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
EMAIL_SHAPE = rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[a-z]{{2,63}}"
_FAST_EMAIL = re.compile(
    r"(?=.{1,254}\Z)(?=[^@]{1,64}@)"  # whole address <= 254, local part <= 64
    rf"{_ATOM}(?:\.{_ATOM})*@(?=.{{1,253}}\Z)"  # domain <= 253
    rf"(?:(?!..--){_LABEL}\.)+[a-z]{{2,63}}"  # no "ab--" labels: R-LDH and Punycode go the slow way
    r"(?<!\.arpa)(?<!\.invalid)(?<!\.local)(?<!\.localhost)(?<!\.onion)(?<!\.test)\Z"  # special-use names
)


def fast_email_match(value: str) -> bool:
    """True when ``value`` (already lower-cased) is an address email-validator accepts as it is."""
    return _FAST_EMAIL.match(value) is not None


def normalize_email(raw: str) -> str:
    """'Jane <Jane.Doe@Acme.COM>' -> 'jane.doe@acme.com'; ValueError(reason) when not an address."""
    value = raw.strip().lower()
    if value.startswith("mailto:"):
        value = value[7:].split("?", 1)[0].strip()
    if value.endswith(">") and "<" in value:
        value = value[value.rindex("<") + 1 : -1].strip()
    if _FAST_EMAIL.match(value):
        return value
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


# --- URLs and domains ----------------------------------------------------------------------------------
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_BARE_URL = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?(?:[/?#]|\Z)", re.IGNORECASE)
_LINKEDIN_HOST = re.compile(r"(?:[a-z]{2,3}\.|m\.|mobile\.)?linkedin\.com\Z")
_NOT_PROFILES = {"sales": "a Sales Navigator link, not a public profile", "company": "a company page",
                 "school": "a school page", "showcase": "a showcase page", "groups": "a group page"}


def _url_parts(raw: str) -> tuple[str, str, str]:
    """(scheme, host, path) of a URL given with or without scheme; ValueError when it is not one."""
    value = raw.strip()
    if not value or len(value.split()) != 1:
        raise ValueError("not a URL")
    parts = urlsplit(value if _SCHEME.match(value) else "//" + value.lstrip("/"))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError("no host name")
    return parts.scheme.lower() or "https", host, parts.path


def canonical_linkedin_url(raw: str) -> str:
    """Any form of a person profile URL -> 'https://www.linkedin.com/in/<slug>/' (or '/pub/…/')."""
    scheme, host, path = _url_parts(raw)
    if scheme not in ("http", "https") or not _LINKEDIN_HOST.match(host):
        raise ValueError("not a linkedin.com address")
    segments = [unquote(s) for s in path.split("/") if s]
    if segments[:1] == ["mwlite"]:
        segments = segments[1:]
    kind = segments[0].lower() if segments else ""
    if kind == "in" and len(segments) >= 2:
        kept = segments[1:2]
    elif kind == "pub" and len(segments) >= 5 and segments[1].lower() != "dir":
        kept = segments[1:5]
    else:
        raise ValueError(_NOT_PROFILES.get(kind, "not a person profile"))
    slug = "/".join(quote(s.strip().lower(), safe="-_.~") for s in kept)
    return f"https://www.linkedin.com/{kind}/{slug}/"


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # The bundled Public Suffix List snapshot: never fetched, never written to disk.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=_CACHE_SIZE)
def registrable_domain(host: str) -> str:
    """'www.Acme.co.uk' -> 'acme.co.uk'; Unicode labels come back as Punycode; ValueError without one."""
    host = host.lower().rstrip(".")
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise ValueError(f"invalid domain name ({exc})") from None
    parts = _extractor()(host)
    domain = str(parts.top_domain_under_public_suffix)
    if not domain or not parts.domain:
        raise ValueError(f"{host!r} is not under a public suffix")
    return domain


def website_domain(raw: str) -> str:
    """'https://www.Acme.co.uk/about?x=1' -> 'acme.co.uk'."""
    return registrable_domain(_url_parts(raw)[1])


def contact_form_url(raw: str) -> str:
    """An http(s) URL, trimmed; 'https://' is added when the scheme is missing."""
    value = raw.strip()
    if _SCHEME.match(value):
        if not value.lower().startswith(("http://", "https://")):
            raise ValueError("only http(s) URLs")
    elif _BARE_URL.match(value):
        value = "https://" + value
    else:
        raise ValueError("not a URL")
    host = _url_parts(value)[1]
    if "." not in host:
        raise ValueError("no host name")
    return value


# --- phone, country, size, time zone --------------------------------------------------------------------
def normalize_phone(raw: str, region: str | None) -> str | None:
    """E.164 ('+14155552671'), or None when it does not parse as a valid number; extensions are dropped."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


@lru_cache(maxsize=4096)
def country_region(country: str) -> str | None:
    """'Germany', 'DE', 'DEU', 'USA', 'UK', 'England' -> ISO 3166 alpha-2; None when unknown."""
    key = " ".join(country.split()).lower()
    if not key:
        return None
    alias = COUNTRY_ALIASES.get(key)
    if alias is not None:
        return alias
    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        return None


_SIZE = re.compile(r"(\d+(?:[.,]\d+)*)(?:\s*([km])(?![a-z]))?", re.IGNORECASE)
_THOUSANDS = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*\Z")
_MAX_COMPANY_SIZE = 10_000_000


def company_size(raw: str) -> int | None:
    """'51-200' -> 51 (lower bound), '1,000' -> 1000, '10001+' -> 10001, '10K' -> 10000; else None."""
    match = _SIZE.search(raw)
    if match is None:
        return None
    number, suffix = match.groups()
    if suffix:
        size = int(float(number.replace(",", ".")) * (1000 if suffix.lower() == "k" else 1_000_000))
    elif _THOUSANDS.match(number):
        size = int(number.replace(",", "").replace(".", ""))
    else:
        size = int(float(number.replace(",", ".")))
    return size if size <= _MAX_COMPANY_SIZE else None


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def time_zone_name(raw: str) -> str | None:
    """The IANA zone name, spelled canonically ('europe/berlin' -> 'Europe/Berlin'), or None."""
    return _zone_names().get(raw.strip().lower())


# --- names, titles, seniority ---------------------------------------------------------------------------
_NAME_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*\Z")
_WORD_START = re.compile(r"(^|[-'’])(\w)")
_NON_ALNUM = re.compile(r"[\W_]+")
_LIST_SEP = re.compile(r"[,;|]")
_SENIORITY_TITLES = tuple((seniority, re.compile(p)) for seniority, p in SENIORITY_TITLE_PATTERNS)
_NOT_FIRST = CONSTANTS.titles | CONSTANTS.prefixes | CONSTANTS.conjunctions
_NOT_LAST = CONSTANTS.suffix_acronyms | CONSTANTS.suffix_not_acronyms | _NOT_FIRST


def _plain_pair(parts: list[str]) -> bool:
    """Two plain words nameparser would read as (first, last): skip its ~140 µs parse."""
    first, last = parts
    return (_NAME_TOKEN.match(first) is not None and _NAME_TOKEN.match(last) is not None
            and first.lower() not in _NOT_FIRST and last.lower() not in _NOT_LAST)


def split_full_name(raw: str) -> tuple[str | None, str | None]:
    """'Dr. Jane van der Berg' -> ('Jane', 'van der Berg'); 'Smith, John' -> ('John', 'Smith')."""
    parts = raw.split()
    if not parts:
        return None, None
    if len(parts) == 2 and _plain_pair(parts):
        return parts[0], parts[1]
    name = HumanName(" ".join(parts))
    return str(name.first) or None, str(name.last) or None


def _upper_match(match: re.Match[str]) -> str:
    return match[1] + match[2].upper()


def recase_name(name: str) -> str:
    """'JANE VAN DER BERG' / 'jane van der berg' -> 'Jane van der Berg'; mixed case is kept as typed."""
    if not (name.isupper() or name.islower()):
        return name
    words = name.lower().split(" ")
    last = len(words) - 1
    for i, word in enumerate(words):
        if i < last and word in NAME_PARTICLES:
            continue
        word = _WORD_START.sub(_upper_match, word)
        if word.startswith("Mc") and len(word) > 2:
            word = "Mc" + word[2].upper() + word[3:]
        words[i] = word
    return " ".join(words)


def name_key(first: str | None, last: str | None, domain: str | None) -> str | None:
    """'jane van der berg|acme.com': the name-and-company dedupe key; None without a name or a domain."""
    name = " ".join(f"{first or ''} {last or ''}".split()).casefold()
    return f"{name}|{domain}" if name and domain else None


@lru_cache(maxsize=_CACHE_SIZE)
def seniority_from_title(title: str) -> str | None:
    """'Co-Founder & CEO' -> 'founder', 'VP Sales' -> 'vp', 'Product Owner' -> None."""
    text = _NON_ALNUM.sub(" ", title.lower())
    for seniority, pattern in _SENIORITY_TITLES:
        if pattern.search(text):
            return seniority
    return None


@lru_cache(maxsize=4096)
def normalize_seniority(value: str) -> str | None:
    """Apollo/Sales Navigator seniority values ('c_suite', 'Vice President', 'CXO') -> one of SENIORITIES."""
    return SENIORITY_ALIASES.get(_NON_ALNUM.sub(" ", value.lower()).strip())


@lru_cache(maxsize=4096)
def normalize_department(raw: str) -> str | None:
    """'master_sales, sales' -> 'sales'; 'Engineering' -> 'engineering'."""
    first = _LIST_SEP.split(raw, 1)[0].strip().lower().removeprefix("master_")
    words = " ".join(first.replace("_", " ").split())
    return DEPARTMENT_ALIASES.get(words, words) or None


def split_tags(raw: str) -> list[str]:
    """'a, b; a | c' -> ['a', 'b', 'c']: split on , ; | and deduplicated (case-insensitively), in order."""
    tags: dict[str, str] = {}
    for part in _LIST_SEP.split(raw):
        tag = " ".join(part.split())
        if tag:
            tags.setdefault(tag.casefold(), tag)
    return list(tags.values())
