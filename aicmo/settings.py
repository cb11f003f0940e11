import os
import secrets
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers
from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from aicmo.errors import SettingsError

# Known to everyone who has read this file: fine for a try-out on one machine, never for real sending.
DEFAULT_SECRET_KEY = "change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AICMO_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./aicmo.db"
    grading_profile: Path | None = None
    import_batch_size: int = Field(default=20_000, gt=0)
    # A file or row with more columns is refused; a longer custom value is cut (each reported by its line).
    import_max_columns: int = Field(default=2_000, gt=0)
    import_max_field_chars: int = Field(default=100_000, gt=0)
    import_json_max_depth: int = Field(default=32, ge=2, le=1000)  # how deep a JSON record may nest
    default_phone_region: str | None = None

    # Outreach channels.
    public_base_url: str = "http://127.0.0.1:8000"  # where unsubscribe links and webhook callbacks point
    # Signs unsubscribe tokens, webhook payloads and dashboard sessions; keys the stored mailbox secrets.
    secret_key: str = DEFAULT_SECRET_KEY
    # The secret key before the last change: stored mailbox secrets sealed with it stay readable until rotated.
    previous_secret_key: str | None = None
    # Where the key made on first use is kept when AICMO_SECRET_KEY is not set: by default beside the SQLite file
    # (aicmo.db.key), or in ~/.config/aicmo/secret.key for another database.
    secret_key_file: Path | None = None
    # IMAP reads and the polite QUIT that ends an SMTP session.
    smtp_timeout: float = Field(default=30.0, gt=0)
    # How long each SMTP wait may last, as RFC 5321 section 4.5.3.2 recommends (seconds): the greeting, MAIL, RCPT,
    # the reply to DATA, writing the message, and the reply to its end (which some servers take minutes over).
    smtp_connect_timeout: float = Field(default=300.0, gt=0)
    smtp_mail_timeout: float = Field(default=300.0, gt=0)
    smtp_rcpt_timeout: float = Field(default=300.0, gt=0)
    smtp_data_start_timeout: float = Field(default=120.0, gt=0)
    smtp_data_block_timeout: float = Field(default=180.0, gt=0)
    smtp_data_end_timeout: float = Field(default=600.0, gt=0)
    # A mailbox sends on up to this many SMTP connections at once; one waiting longer than smtp_slow_reply_seconds
    # for a reply is set aside so mail to others goes on, up to smtp_max_connections_per_mailbox in all.
    smtp_connections_per_mailbox: int = Field(default=4, gt=0)
    smtp_max_connections_per_mailbox: int = Field(default=20, gt=0)
    smtp_slow_reply_seconds: float = Field(default=5.0, gt=0)
    http_timeout: float = Field(default=10.0, gt=0)
    http_max_bytes: int = Field(default=2_000_000, gt=0)
    http_max_redirects: int = Field(default=5, ge=0)
    http_user_agent: str = "aicmo/0.1 (outreach contact-form client; +https://github.com/aicmo/aicmo)"
    # Refuse URLs that resolve to loopback, private, link-local or metadata addresses unless set.
    allow_private_network: bool = False
    form_submissions_per_domain: int = Field(default=1, ge=0)  # per campaign
    linkedin_provider: str = "tasks"  # tasks | webhook
    linkedin_webhook_url: str | None = None
    linkedin_webhook_secret: str | None = None
    linkedin_note_limit: int = Field(default=300, gt=0)  # 200 for free LinkedIn accounts
    # Who fills in contact forms (the contact-form channel is off until name and email are set).
    sender_name: str | None = None
    sender_email: str | None = None
    sender_company: str = ""
    sender_phone: str = ""
    sender_website: str = ""
    # Private networks (CIDR, comma-separated) the contact-form channel may reach, e.g. an intranet test site.
    form_trusted_networks: str = ""

    # Request bodies, refused with 413 past these sizes (and for /api and dashboard uploads, read only once the
    # caller is known): JSON and forms, file uploads (paths ending in /import), provider webhooks.
    max_request_bytes: int = Field(default=2_000_000, gt=0)
    max_upload_bytes: int = Field(default=200_000_000, gt=0)
    max_webhook_bytes: int = Field(default=5_000_000, gt=0)

    # Bounds on rendering one message template: wall-clock time, loop steps and calls, characters built.
    template_render_seconds: float = Field(default=1.0, gt=0, le=60)
    template_max_steps: int = Field(default=100_000, gt=0)
    template_max_chars: int = Field(default=1_000_000, gt=0)

    # The worker.
    worker_lease_seconds: float = Field(default=300.0, gt=0)  # longer than any single send can take
    worker_poll_seconds: float = Field(default=5.0, gt=0)
    worker_batch: int = Field(default=50, gt=0)
    # Sends running longer than smtp_slow_reply_seconds stop counting against `aicmo worker --concurrency`, so a
    # slow recipient does not hold up the others; at most this many such slow sends at a time.
    worker_max_slow_sends: int = Field(default=50, gt=0)

    # Listening: mailbox polling, provider webhooks and the deliverability guard.
    inbox_poll_seconds: float = Field(default=60.0, gt=0)  # how often the worker reads every mailbox's inbox
    webhook_secret: str | None = None  # shared secret providers sign or send with their events
    # A CRM (or its automation) signs deal updates to /webhooks/crm/outcomes with this (X-Aicmo-Signature).
    crm_webhook_secret: str | None = None
    guard_bounce_rate: float = Field(default=0.05, ge=0, le=1)  # a mailbox pauses itself above this bounce rate ...
    guard_complaint_rate: float = Field(default=0.003, ge=0, le=1)  # ... or above this complaint rate
    guard_policy_rate: float = Field(default=0.02, ge=0, le=1)  # ... or above this rate of 5.7.x policy refusals
    guard_window_sends: int = Field(default=200, gt=0)  # rates over the mailbox's last N email sends ...
    guard_window_hours: float = Field(default=24.0, gt=0)  # ... and over the last hours
    guard_min_sends: int = Field(default=20, ge=0)  # fewer sends than this in a window say nothing yet
    guard_check_seconds: float = Field(default=60.0, gt=0)  # the worker judges every mailbox this often, too

    # Proxies whose X-Forwarded-For / X-Forwarded-Proto `serve` believes (comma-separated addresses or networks, as
    # uvicorn's --forwarded-allow-ips; "*" for any). Empty: none, and the login limit counts the peer's address.
    trusted_proxies: str = ""

    # The dashboard reuses a campaign page's figures this long while no new send, event, reply or outcome arrived
    # (0: computed on every view).
    dashboard_cache_seconds: float = Field(default=60.0, ge=0)

    # Outgoing webhooks: delivered and failed deliveries are kept this many days for the log, then deleted (0: kept).
    webhook_delivery_retention_days: int = Field(default=30, ge=0)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            make_url(value).get_dialect()
        except (ArgumentError, NoSuchModuleError):
            raise ValueError("not a database URL: use e.g. sqlite:///./aicmo.db or "
                             "postgresql+psycopg://user@host/db") from None
        return value

    @field_validator("smtp_max_connections_per_mailbox")
    @classmethod
    def _connection_ceiling(cls, value: int, info: ValidationInfo) -> int:
        usual = info.data.get("smtp_connections_per_mailbox")
        if usual is not None and value < usual:
            raise ValueError(f"must be at least AICMO_SMTP_CONNECTIONS_PER_MAILBOX ({usual})")
        return value

    @field_validator("default_phone_region")
    @classmethod
    def _phone_region(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        region = value.strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError("not a country code phone numbers know: use two letters, e.g. US, GB or DE")
        return region


@lru_cache
def get_settings() -> Settings:
    """The settings from the environment, with a secret key of their own (see `with_own_secret_key`)."""
    try:
        settings = Settings()
    except ValidationError as exc:
        raise SettingsError("invalid setting " + "; ".join(map(_described, exc.errors(include_url=False)))) from None
    return with_own_secret_key(settings)


def key_file(settings: Settings) -> Path:
    """Where the key made on first use is kept: AICMO_SECRET_KEY_FILE, beside an SQLite database's file, or in the
    user's configuration directory."""
    if settings.secret_key_file is not None:
        return settings.secret_key_file
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(f"{url.database}.key")
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "aicmo" / "secret.key"


def with_own_secret_key(settings: Settings) -> Settings:
    """With AICMO_SECRET_KEY unset, a random key made on first use and kept in `key_file` (mode 0600), so that
    the database file alone opens nothing and nobody can forge an unsubscribe link. The old public default becomes
    the previous key: mailbox secrets sealed with it still open (until `aicmo mailboxes rotate-secrets`) and
    unsubscribe links sent with it still work."""
    if settings.secret_key != DEFAULT_SECRET_KEY:
        return settings
    path = key_file(settings)
    try:
        key = _kept_key(path)
    except OSError as exc:
        raise SettingsError(f"cannot keep the secret key in {path} ({exc.strerror}): set AICMO_SECRET_KEY, or "
                            "AICMO_SECRET_KEY_FILE to a writable place") from None
    return settings.model_copy(update={"secret_key": key,
                                       "previous_secret_key": settings.previous_secret_key or DEFAULT_SECRET_KEY})


def _kept_key(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process is making it: use theirs once written
            _wait_for_content(path)
        else:
            with os.fdopen(descriptor, "w", encoding="ascii") as file:
                file.write(secrets.token_urlsafe(48) + "\n")
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise SettingsError(f"the secret key kept in {path} is too short: delete the file to make a new one, or "
                            "set AICMO_SECRET_KEY")
    return key


def _wait_for_content(path: Path) -> None:
    for _ in range(100):
        if path.stat().st_size:
            return
        time.sleep(0.01)


def kept_key_file(settings: Settings) -> Path | None:
    """The file the settings' secret key is kept in, when it was made there rather than set."""
    path = key_file(settings)
    try:
        return path if path.read_text(encoding="ascii").strip() == settings.secret_key else None
    except OSError:
        return None


def _described(error: Any) -> str:
    name = "_".join(map(str, error["loc"])).upper()
    shown = error["input"]
    if name == "DATABASE_URL" and isinstance(shown, str) and "@" in shown:
        scheme, separator, rest = shown.partition("://")
        shown = f"{scheme}{separator}…@{rest.rpartition('@')[2]}"  # never the password
    return f"AICMO_{name}={shown!r}: {str(error['msg']).removeprefix('Value error, ')}"
