"""What a suppression value may be, its one normal form, and the shapes the service hands back. Pure code."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import idna
from pydantic import BaseModel, ConfigDict

from aicmo.cam.leads.values import normalize_email
from aicmo.cam.suppression.models import SuppressionKind
from aicmo.errors import AicmoError

REASON_MAX = 40  # the width of suppressions.reason
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"(?=.{{1,253}}\Z)(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})\Z")


class InvalidSuppression(AicmoError):
    def __init__(self, value: str, reason: str) -> None:
        super().__init__(f"cannot suppress {value!r}: {reason}")
        self.value = value
        self.reason = reason


class SuppressionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: SuppressionKind
    value: str
    reason: str
    detail: str | None
    lead_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class Rejected:
    line: int
    value: str
    reason: str


@dataclass
class ImportResult:
    added: int = 0
    existing: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def _ascii(domain: str) -> str:
    """The IDNA (Punycode) form, so 'bücher.de' and 'xn--bcher-kva.de' are one suppression."""
    return domain if domain.isascii() else idna.encode(domain, uts46=True).decode("ascii")


def _bare_domain(raw: str) -> str:
    value = raw.strip().lower().removeprefix("@").rstrip(".")
    return value.removeprefix("www.")


def parse_value(raw: str) -> tuple[SuppressionKind, str]:
    """('address', 'jane@acme.io') or ('domain', 'acme.io'); InvalidSuppression says what is wrong."""
    value = raw.strip()
    if not value:
        raise InvalidSuppression(raw, "empty value")
    if "@" in value.lstrip("@"):
        try:
            local, _, domain = normalize_email(value).rpartition("@")
        except ValueError as exc:
            raise InvalidSuppression(raw, f"not a valid email address ({exc})") from None
        return SuppressionKind.ADDRESS, f"{local}@{_ascii(domain)}"
    try:
        domain = _ascii(_bare_domain(value))
    except idna.IDNAError as exc:
        raise InvalidSuppression(raw, f"not a valid domain name ({exc})") from None
    if not _DOMAIN.match(domain):
        raise InvalidSuppression(raw, "neither an email address nor a domain name like example.com")
    return SuppressionKind.DOMAIN, domain


def parse_reason(value: str, reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidSuppression(value, "the reason is empty")
    if len(reason) > REASON_MAX:
        raise InvalidSuppression(value, f"the reason is longer than {REASON_MAX} characters")
    return reason


def loose_domain(raw: str) -> str:
    """A domain, host or URL's host in the stored form, best effort: what is checked need not be valid."""
    value = raw.strip()
    if "/" in value or ":" in value:
        value = urlsplit(value if "://" in value else "//" + value).hostname or value
    domain = _bare_domain(value)
    try:
        return _ascii(domain)
    except idna.IDNAError:
        return domain


def loose_address(raw: str) -> tuple[str, str]:
    """(address, domain) in their stored forms, best effort."""
    try:
        kind, value = parse_value(raw)
    except InvalidSuppression:
        kind, value = SuppressionKind.ADDRESS, raw.strip().lower()
    local, _, domain = value.rpartition("@") if kind is SuppressionKind.ADDRESS else ("", "", value)
    domain = loose_domain(domain)
    return (f"{local}@{domain}" if local else value), domain


def with_parents(domain: str) -> list[str]:
    """'mail.acme.co.uk' -> itself, 'acme.co.uk', 'co.uk': a suppressed company covers its subdomains."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)] if len(labels) > 1 else []


def masked(address: str) -> str:
    """'jane.doe@acme.io' -> 'j***@acme.io': enough to recognise, too little to harvest."""
    local, at, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if at and local else "***"
