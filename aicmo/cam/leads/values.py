"""Clean single contact values of an imported lead: email, URLs, domains, phone, country, size, time zone.

Pure functions, no database and no network. They run once per imported row, so every regex is compiled at
import and every lookup over a small value space is cached (bounded). ``normalize`` re-exports them.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

import idna
import phonenumbers
import tldextract
from email_validator import EmailNotValidError, validate_email

from aicmo.countries import country_region as country_region

_CACHE_SIZE = 65536


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


_SALES_NAVIGATOR = re.compile(r"(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/sales/(?:lead|people)/\S+\Z",
                              re.IGNORECASE)


def sales_navigator_url(raw: str) -> str:
    """A Sales Navigator lead link ('…linkedin.com/sales/lead/ACwAA…,NAME_SEARCH,x7Yq') as an https URL."""
    value = raw.strip()
    if not _SALES_NAVIGATOR.match(value):
        raise ValueError("not a Sales Navigator lead link")
    return value if value.lower().startswith(("http://", "https://")) else "https://" + value


def is_sales_navigator_url(raw: str) -> bool:
    return _SALES_NAVIGATOR.match(raw.strip()) is not None


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


# The shapes nearly every export uses, decided by one match; anything else (user info, ports, percent-encoding,
# other schemes, /pub/ and /mwlite/ paths, errors) takes the general parser below, whose answer is the same
# (tests/cam/leads/test_normalize.py checks it with hypothesis).
LINKEDIN_SHAPE = r"(?:https?://)?(?:(?:[a-z]{2,3}|m|mobile)\.)?linkedin\.com/in/([a-z0-9_.~-]+)(?:[/?#]\S*)?"
_FAST_LINKEDIN = re.compile(LINKEDIN_SHAPE + r"\Z", re.IGNORECASE)
WEBSITE_SHAPE = r"(?:https?://)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?(?:[/?#]\S*)?"
_FAST_WEBSITE = re.compile(WEBSITE_SHAPE + r"\Z", re.IGNORECASE)


def canonical_linkedin_url(raw: str) -> str:
    """Any form of a person profile URL -> 'https://www.linkedin.com/in/<slug>/' (or '/pub/…/')."""
    fast = _FAST_LINKEDIN.match(raw.strip())
    if fast:
        return f"https://www.linkedin.com/in/{fast[1].lower()}/"
    return parsed_linkedin_url(raw)


def parsed_linkedin_url(raw: str) -> str:
    """`canonical_linkedin_url` by the general URL parser."""
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
    fast = _FAST_WEBSITE.match(raw.strip())
    return registrable_domain(fast[1].lower()) if fast else parsed_website_domain(raw)


def parsed_website_domain(raw: str) -> str:
    """`website_domain` by the general URL parser."""
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
    if "." not in _url_parts(value)[1]:
        raise ValueError("no domain name in the address")
    return value


# --- phone, country, size, time zone --------------------------------------------------------------------
# A number written with digits and the usual separators only, '+' first if at all. phonenumbers reads such a
# number from its digits and that '+' alone, so it is looked up by those: '(415) 555-0102', '415.555.0102'
# and '415 555 0102' share one cache entry (tests/cam/leads/test_normalize.py checks this with hypothesis).
PLAIN_PHONE = re.compile(r"\+?[\d ().-]{1,40}\Z")
_NOT_DIGIT = re.compile(r"\D+")


def normalize_phone(raw: str, region: str | None) -> str | None:
    """E.164 ('+14155552671'), or None when it does not parse as a valid number; extensions are dropped."""
    if PLAIN_PHONE.match(raw):
        raw = ("+" if raw[0] == "+" else "") + _NOT_DIGIT.sub("", raw)
    return e164(raw, region)


@lru_cache(maxsize=_CACHE_SIZE)  # a company's switchboard number repeats down a list
def e164(raw: str, region: str | None) -> str | None:
    """phonenumbers' E.164 form of a number as written, or None."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


_SIZE = re.compile(r"(\d+(?:[.,]\d+)*)(?:\s*([km])(?![a-z]))?", re.IGNORECASE)
_THOUSANDS = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*\Z")
_MULTIPLIERS = {"k": 1000, "m": 1_000_000}
_MAX_COMPANY_SIZE = 10_000_000


def company_size(raw: str) -> int | None:
    """'51-200' -> 51 (lower bound), '1,000' -> 1000, '10001+' -> 10001, '10K' -> 10000; else None."""
    match = _SIZE.search(raw)
    if match is None:
        return None
    number, suffix = match.groups()
    try:  # "1,000" and "1.000" are thousands; "1.5" and "1,5" decimals; "1.2.3" nothing
        thousands = _THOUSANDS.match(number)
        value = float(number.replace(",", "").replace(".", "") if thousands else number.replace(",", "."))
    except ValueError:
        return None
    size = int(value * _MULTIPLIERS[suffix.lower()]) if suffix else int(value)
    return size if size <= _MAX_COMPANY_SIZE else None


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def time_zone_name(raw: str) -> str | None:
    """The IANA zone name, spelled canonically ('europe/berlin' -> 'Europe/Berlin'), or None."""
    return _zone_names().get(raw.strip().lower())


def domain_of(url: str) -> str:
    """The registrable domain of a URL's host ('www.acme.co.uk' -> 'acme.co.uk'); an IP or 'localhost' as is."""
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    if host.replace(".", "").isdigit() or ":" in host:
        return host
    try:
        return registrable_domain(host)
    except ValueError:  # not under a public suffix (".example", ".internal"): its last two labels
        return ".".join(host.split(".")[-2:])
