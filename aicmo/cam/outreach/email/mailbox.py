"""A sender mailbox as the email channel sees it: who it sends as, how it reaches its server, what it may send."""

import re
from dataclasses import dataclass, field
from datetime import datetime

import idna

from aicmo.cam.outreach.domain import SmtpSecurity


@dataclass(frozen=True)
class DkimSettings:
    domain: str
    selector: str
    private_key: str = field(repr=False)  # PEM, PKCS#1 or PKCS#8


@dataclass(frozen=True)
class Mailbox:
    name: str
    from_address: str
    smtp_host: str
    smtp_port: int = 587
    smtp_security: SmtpSecurity = SmtpSecurity.STARTTLS
    from_name: str | None = None
    reply_to: str | None = None
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    signature_text: str | None = None
    signature_html: str | None = None
    # Exposed for the rate limiter; the channel itself does not count sends.
    daily_cap: int = 50
    dkim: DkimSettings | None = None
    enabled: bool = True
    paused_at: datetime | None = None

    @property
    def available(self) -> bool:
        return self.enabled and self.paused_at is None

    @property
    def sender_domain(self) -> str:
        """The From address's domain in ASCII (IDNA) form, as Message-IDs and EHLO need it."""
        return ascii_domain(self.from_address.rpartition("@")[2])


# Whitespace, brackets and quotes would end or extend the address on an SMTP command line.
_UNSAFE = re.compile(r'[\s<>"\x00-\x1f\x7f]')


def ascii_domain(domain: str) -> str:
    domain = domain.strip().rstrip(".").lower()
    return domain if domain.isascii() else idna.encode(domain, uts46=True).decode("ascii")


def smtp_address(address: str) -> str:
    """The address as it goes on the SMTP envelope: domain IDNA-encoded; a non-ASCII local part is refused."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain or _UNSAFE.search(address.strip()):
        raise ValueError(f"not an email address SMTP can carry: {address!r}")
    if not local.isascii():
        raise ValueError(f"{address!r} has a non-ASCII local part, which needs SMTPUTF8 (not supported)")
    try:
        return f"{local}@{ascii_domain(domain)}"
    except idna.IDNAError as exc:
        raise ValueError(f"{address!r} has an invalid domain: {exc}") from exc
