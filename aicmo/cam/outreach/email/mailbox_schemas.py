"""What a user gives to add or change a sender mailbox, and what is shown back: never its password or DKIM key."""

import ipaddress
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)

from aicmo.cam.outreach.domain import SmtpSecurity
from aicmo.cam.outreach.email.dkim_signing import DkimKeyError, DkimSigner
from aicmo.cam.outreach.email.headers import HeaderInjection, check_header
from aicmo.cam.outreach.email.mailbox import ascii_domain, smtp_address
from aicmo.cam.outreach.email.status import MailboxHealth as MailboxHealth  # where it was first imported from
from aicmo.cam.outreach.email.status import mailbox_state
from aicmo.cam.outreach.email.store import unreadable_secrets

MAX_INT = 2**31 - 1  # the columns are 32-bit integers
DEFAULT_PORTS = {SmtpSecurity.STARTTLS: 587, SmtpSecurity.TLS: 465, SmtpSecurity.NONE: 25}
DEFAULT_IMAP_PORTS = {SmtpSecurity.STARTTLS: 143, SmtpSecurity.TLS: 993, SmtpSecurity.NONE: 143}
# Set only together with an IMAP server (imap_security and imap_folder always have a value).
IMAP_SETTINGS = ("imap_port", "imap_username", "imap_password", "bounce_folder")
_NAME = re.compile(r"[A-Za-z0-9._-]+")
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOSTNAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")


def default_port(security: SmtpSecurity) -> int:
    return DEFAULT_PORTS[security]


def default_imap_port(security: SmtpSecurity) -> int:
    return DEFAULT_IMAP_PORTS[security]


def _blank_to_none(value: Any) -> Any:
    """An empty or all-blank optional text means "none"."""
    return None if isinstance(value, str) and not value.strip() else value


def _one_line(value: str, field: str) -> str:
    try:
        check_header(field, value)
    except HeaderInjection as exc:
        raise ValueError("may not contain CR, LF or NUL (it would end the header or command line)") from exc
    return value


def _name(value: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= 100:
        raise ValueError("must be 1 to 100 characters")
    if not _NAME.fullmatch(value):
        raise ValueError("may only hold letters, digits, '.', '_' and '-'")
    return value


def _address(value: str) -> str:
    _one_line(value, "address")
    try:
        found = validate_email(value.strip(), check_deliverability=False, allow_smtputf8=False)
        smtp_address(found.normalized)  # what the SMTP envelope will carry must be expressible
    except (EmailNotValidError, ValueError) as exc:
        raise ValueError(f"not a valid email address: {exc}") from None
    return found.normalized


def _display_name(value: str) -> str:
    return _one_line(value, "From").strip()


def _host(value: str) -> str:
    _one_line(value, "host")
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value.removeprefix("[").removesuffix("]")))
    except ValueError:
        pass
    try:
        host = ascii_domain(value)
    except ValueError:  # idna.IDNAError is one
        host = ""
    if len(host) > 253 or not _HOSTNAME.fullmatch(host):
        raise ValueError(f"not a host name or IP address: {value!r}")
    return host


def _username(value: str) -> str:
    return _one_line(value, "AUTH").strip()


def _password(value: str) -> str:
    return _one_line(value, "AUTH")  # as typed: spaces may be part of it


def _folder(value: str) -> str:
    value = _one_line(value, "folder").strip()
    if not value:
        raise ValueError("may not be empty")
    return value


def same_folder(one: str, other: str) -> bool:
    """IMAP folder names are case-sensitive, except INBOX (RFC 3501)."""
    return one == other or one.upper() == other.upper() == "INBOX"


def _dkim_domain(value: str) -> str:
    host = _host(value)
    if not any(c.isalpha() for c in host):
        raise ValueError("must be a domain name, not an IP address")
    return host


def _selector(value: str) -> str:
    value = value.strip().lower()
    if len(value) > 63 or not _HOSTNAME.fullmatch(value):
        raise ValueError("must be a DNS label (letters, digits, '-', '_'; dots between labels), at most 63 characters")
    return value


Name = Annotated[str, AfterValidator(_name)]
Address = Annotated[str, Field(max_length=320), AfterValidator(_address)]
DisplayName = Annotated[str, Field(max_length=200), AfterValidator(_display_name)]
Host = Annotated[str, AfterValidator(_host)]
Port = Annotated[int, Field(ge=1, le=65535)]
Cap = Annotated[int, Field(ge=0, le=MAX_INT)]
WarmupStart = Annotated[int, Field(ge=1, le=MAX_INT)]
WarmupIncrement = Annotated[int, Field(ge=0, le=MAX_INT)]
DkimDomain = Annotated[str, AfterValidator(_dkim_domain)]
Selector = Annotated[str, AfterValidator(_selector)]
Folder = Annotated[str, Field(max_length=200), AfterValidator(_folder)]

# Optional text: blank means none.
OptAddress = Annotated[Address | None, BeforeValidator(_blank_to_none)]
OptDisplayName = Annotated[DisplayName | None, BeforeValidator(_blank_to_none)]
OptUsername = Annotated[Annotated[str, Field(max_length=320), AfterValidator(_username)] | None,
                        BeforeValidator(_blank_to_none)]
OptPassword = Annotated[Annotated[str, Field(max_length=500), AfterValidator(_password)] | None,
                        BeforeValidator(_blank_to_none)]
OptText = Annotated[str | None, BeforeValidator(_blank_to_none)]
OptDkimDomain = Annotated[DkimDomain | None, BeforeValidator(_blank_to_none)]
OptSelector = Annotated[Selector | None, BeforeValidator(_blank_to_none)]
OptHost = Annotated[Host | None, BeforeValidator(_blank_to_none)]
OptFolder = Annotated[Folder | None, BeforeValidator(_blank_to_none)]


def check_dkim_key(key: str | None, domain: str | None = None, selector: str | None = None) -> str | None:
    """The key, stripped, if DkimSigner can sign with it; ValueError saying why not."""
    if key is None:
        return None
    domain, selector = domain or "example.com", selector or "default"
    try:
        DkimSigner(domain, selector, key)
    except DkimKeyError as exc:
        reason, where = str(exc), f"DKIM key of selector {selector!r} for {domain!r} "
        raise ValueError("the key " + reason[len(where):] if reason.startswith(where) else reason) from None
    return key.strip()


def _dkim_key_field(key: str | None, info: ValidationInfo) -> str | None:
    return check_dkim_key(key, info.data.get("dkim_domain"), info.data.get("dkim_selector"))


def consistency_problem(values: Mapping[str, Any]) -> tuple[str, str] | None:
    """What is wrong across fields of a whole mailbox, as (field, reason), or None."""
    if (values.get("warmup_start") is None) != (values.get("warmup_increment") is None):
        missing = "warmup_start" if values.get("warmup_start") is None else "warmup_increment"
        return missing, "warm-up needs both warmup_start and warmup_increment (or neither)"
    dkim = ("dkim_domain", "dkim_selector", "dkim_private_key")
    given = [name for name in dkim if values.get(name) is not None]
    if given and len(given) < len(dkim):
        missing = next(name for name in dkim if name not in given)
        return missing, "DKIM needs dkim_domain, dkim_selector and dkim_private_key together (or none)"
    if values.get("smtp_password") is not None and values.get("smtp_username") is None:
        return "smtp_username", "a password is only used with a user name"
    return _imap_problem(values)


def _imap_problem(values: Mapping[str, Any]) -> tuple[str, str] | None:
    if values.get("imap_host") is None:
        stray = next((name for name in IMAP_SETTINGS if values.get(name) is not None), None)
        return None if stray is None else ("imap_host", f"{stray} is only used with an IMAP server (imap_host)")
    if values.get("imap_password") is not None and values.get("imap_username") is None \
            and values.get("smtp_username") is None:
        return "imap_username", "an IMAP password is only used with a user name (IMAP's or else SMTP's)"
    bounces = values.get("bounce_folder")
    if bounces is not None and same_folder(bounces, values.get("imap_folder") or "INBOX"):
        return "bounce_folder", "must differ from imap_folder: bounces moved there would be read again"
    return None


class MailboxCreate(BaseModel):
    """A new sender mailbox. Without a port, the usual one for the security: 587 STARTTLS, 465 TLS, 25 none.

    IMAP, where replies and bounces are read, is optional: without imap_host the mailbox is not polled. Its user
    name defaults to the SMTP user name and its password to the SMTP password; its port to 993 for TLS, else 143.
    """

    model_config = ConfigDict(extra="forbid")

    name: Name
    from_address: Address
    from_name: OptDisplayName = None
    reply_to: OptAddress = None
    smtp_host: Host
    smtp_port: Port | None = None
    smtp_security: SmtpSecurity = SmtpSecurity.STARTTLS
    smtp_username: OptUsername = None
    smtp_password: OptPassword = Field(default=None, repr=False)
    signature_text: OptText = None
    signature_html: OptText = None
    daily_cap: Cap = 50
    warmup_start: WarmupStart | None = None
    warmup_increment: WarmupIncrement | None = None
    dkim_domain: OptDkimDomain = None
    dkim_selector: OptSelector = None
    dkim_private_key: OptText = Field(default=None, repr=False)
    imap_host: OptHost = None
    imap_port: Port | None = None
    imap_security: SmtpSecurity = SmtpSecurity.TLS
    imap_username: OptUsername = None
    imap_password: OptPassword = Field(default=None, repr=False)
    imap_folder: Folder = "INBOX"
    bounce_folder: OptFolder = None
    enabled: bool = True

    _dkim_key = field_validator("dkim_private_key")(_dkim_key_field)

    @model_validator(mode="after")
    def _whole(self) -> "MailboxCreate":
        problem = consistency_problem(self.__dict__)
        if problem is not None:
            raise ValueError(f"{problem[0]}: {problem[1]}")
        if self.smtp_port is None:
            self.smtp_port = default_port(self.smtp_security)
        if self.imap_host is not None and self.imap_port is None:
            self.imap_port = default_imap_port(self.imap_security)
        return self

    @property
    def port(self) -> int:
        return self.smtp_port or default_port(self.smtp_security)


# Fields every mailbox has: an update may change them but not empty them.
REQUIRED = frozenset({"from_address", "smtp_host", "smtp_port", "smtp_security", "daily_cap", "enabled",
                      "imap_security", "imap_folder"})


class MailboxUpdate(BaseModel):
    """Only the fields given change; an optional one given as None (or blank) is removed. The name stays:
    queued messages refer to their mailbox by it."""

    model_config = ConfigDict(extra="forbid")

    from_address: OptAddress = None
    from_name: OptDisplayName = None
    reply_to: OptAddress = None
    smtp_host: OptHost = None
    smtp_port: Port | None = None
    smtp_security: SmtpSecurity | None = None
    smtp_username: OptUsername = None
    smtp_password: OptPassword = Field(default=None, repr=False)
    signature_text: OptText = None
    signature_html: OptText = None
    daily_cap: Cap | None = None
    warmup_start: WarmupStart | None = None
    warmup_increment: WarmupIncrement | None = None
    dkim_domain: OptDkimDomain = None
    dkim_selector: OptSelector = None
    dkim_private_key: OptText = Field(default=None, repr=False)
    imap_host: OptHost = None
    imap_port: Port | None = None
    imap_security: SmtpSecurity | None = None
    imap_username: OptUsername = None
    imap_password: OptPassword = Field(default=None, repr=False)
    imap_folder: OptFolder = None
    bounce_folder: OptFolder = None
    enabled: bool | None = None

    _dkim_key = field_validator("dkim_private_key")(_dkim_key_field)

    @model_validator(mode="after")
    def _required_not_none(self) -> "MailboxUpdate":
        for name in sorted(REQUIRED & self.model_fields_set):
            if getattr(self, name) is None:
                raise ValueError(f"{name}: may not be empty")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class MailboxRead(BaseModel):
    """A stored mailbox as shown to users and over the API: whether it has passwords and a DKIM key, not them."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    id: int
    name: str
    from_address: str
    from_name: str | None
    reply_to: str | None
    smtp_host: str
    smtp_port: int
    smtp_security: SmtpSecurity
    smtp_username: str | None
    has_password: bool
    signature_text: str | None
    signature_html: str | None
    daily_cap: int
    warmup_start: int | None
    warmup_increment: int | None
    warmup_started_at: datetime | None
    dkim: bool
    dkim_domain: str | None
    dkim_selector: str | None
    imap_host: str | None
    imap_port: int | None
    imap_security: SmtpSecurity
    imap_username: str | None
    has_imap_password: bool
    imap_folder: str
    bounce_folder: str | None
    enabled: bool
    paused_at: datetime | None
    paused_reason: str | None
    created_at: datetime
    unreadable_secrets: list[str] = []  # stored secrets no configured key decrypts: the mailbox cannot send

    @model_validator(mode="before")
    @classmethod
    def _from_row(cls, data: Any) -> Any:
        """From a MailboxDB row (or anything like it): the secrets become has_password, has_imap_password, dkim."""
        if isinstance(data, Mapping):
            return {name: value for name, value in data.items() if name != "state"}  # computed: read back as given
        secrets = ("has_password", "has_imap_password", "dkim", "unreadable_secrets")
        fields = {name: getattr(data, name) for name in cls.model_fields if name not in secrets}
        fields["unreadable_secrets"] = unreadable_secrets(data)
        fields["has_password"] = bool(getattr(data, "smtp_password", None))
        fields["has_imap_password"] = bool(getattr(data, "imap_password", None))
        fields["dkim"] = bool(getattr(data, "dkim_private_key", None) and data.dkim_domain and data.dkim_selector)
        return fields

    @computed_field  # type: ignore[prop-decorator]
    @property
    def state(self) -> str:
        """active, paused or disabled."""
        return mailbox_state(self.enabled, self.paused_at)
