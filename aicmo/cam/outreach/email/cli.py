"""`aicmo mailboxes`: the sender mailboxes of the email channel.

A password is never taken as an option value (it would stay in the shell history and show in `ps`): it comes
from an environment variable named with --password-env, or from standard input with --password-stdin (and
likewise --imap-password-env and --imap-password-stdin; standard input holds only one of them).
"""

import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from aicmo import operator_services as ops
from aicmo.cam.analytics.mailbox_status import MailboxStatus
from aicmo.cam.outreach.domain import SmtpSecurity
from aicmo.cam.outreach.email.mailbox_schemas import MailboxRead, default_imap_port
from aicmo.cam.outreach.email.status import MailboxHealth
from aicmo.cli.context import console, err_console, fail, note_kept_secret_key, open_session, reports_errors
from aicmo.settings import get_settings

app = typer.Typer(help="Sender mailboxes for email: add, list, change, pause, resume, remove, status, rotate-secrets.",
                  no_args_is_help=True)
SECURITIES = [security.value for security in SmtpSecurity]
# The worker re-reads pauses, caps and warm-ups every few seconds, but loads the mailboxes themselves (SMTP server,
# sender, DKIM, and which ones are available) when it starts.
ADD_HINT = "a running worker sends from it within seconds"
SET_HINT = "a running worker applies the change within seconds"
RESUME_HINT = "a running worker sends from it again within seconds"
# --clear NAME: the fields it empties.
CLEARABLE: dict[str, tuple[str, ...]] = {
    "from-name": ("from_name",), "reply-to": ("reply_to",), "username": ("smtp_username", "smtp_password"),
    "password": ("smtp_password",), "signature": ("signature_text", "signature_html"),
    "warmup": ("warmup_start", "warmup_increment"), "dkim": ("dkim_domain", "dkim_selector", "dkim_private_key"),
    "imap": ("imap_host", "imap_port", "imap_username", "imap_password", "bounce_folder"),
    "imap-username": ("imap_username",), "imap-password": ("imap_password",), "bounce-folder": ("bounce_folder",),
}

# The options `add` and `set` share.
FROM_NAME = typer.Option(None, "--from-name", help="Display name in the From header.")
REPLY_TO = typer.Option(None, "--reply-to", help="Where replies should go, if not the From address.")
SMTP_PORT = typer.Option(None, "--smtp-port", help="Default: 587 for starttls, 465 for tls, 25 for none.")
SECURITY = typer.Option(None, "--security", help=f"{', '.join(SECURITIES)} (default starttls).")
USERNAME = typer.Option(None, "--username", help="SMTP AUTH user name.")
PASSWORD_ENV = typer.Option(None, "--password-env", metavar="VAR",
                            help="Read the SMTP password from this environment variable.")
PASSWORD_STDIN = typer.Option(False, "--password-stdin", help="Read the SMTP password from standard input.")
DAILY_CAP = typer.Option(None, "--daily-cap", help="Emails per day from this mailbox (default 50).")
WARMUP_START = typer.Option(None, "--warmup-start", help="Warm-up: emails on the first day.")
WARMUP_INCREMENT = typer.Option(None, "--warmup-increment", help="Warm-up: more each day, up to the daily cap.")
SIGNATURE_FILE = typer.Option(None, "--signature-file", help="Plain-text signature appended to each email.")
SIGNATURE_HTML_FILE = typer.Option(None, "--signature-html-file", help="HTML signature for HTML emails.")
DKIM_DOMAIN = typer.Option(None, "--dkim-domain", help="DKIM signing domain (d=).")
DKIM_SELECTOR = typer.Option(None, "--dkim-selector", help="DKIM selector (s=).")
DKIM_KEY_FILE = typer.Option(None, "--dkim-key-file", help="DKIM RSA private key, PEM (at least 1024 bits).")
IMAP_HOST = typer.Option(None, "--imap-host", help="The IMAP server replies and bounces are read from.")
IMAP_PORT = typer.Option(None, "--imap-port", help="Default: 993 for tls, 143 otherwise.")
IMAP_SECURITY = typer.Option(None, "--imap-security", help=f"{', '.join(SECURITIES)} (default tls).")
IMAP_USERNAME = typer.Option(None, "--imap-username", help="IMAP login (default: the SMTP user name and password).")
IMAP_PASSWORD_ENV = typer.Option(None, "--imap-password-env", metavar="VAR", help="IMAP password from this variable.")
IMAP_PASSWORD_STDIN = typer.Option(False, "--imap-password-stdin", help="Read the IMAP password from standard input.")
IMAP_FOLDER = typer.Option(None, "--imap-folder", help="The folder read (default INBOX).")
BOUNCE_FOLDER = typer.Option(None, "--bounce-folder", help="Move processed bounces to this folder.")
FORMAT = typer.Option("text", "--format", "-f", help="text or json.")


def _password(env: str | None, from_stdin: bool, prefix: str = "") -> str | None:
    """The password given with --{prefix}password-env or --{prefix}password-stdin, if either."""
    if env is not None and from_stdin:
        raise fail(f"give the password with --{prefix}password-env VAR or --{prefix}password-stdin, not both")
    if env is not None:
        value = os.environ.get(env)
        if not value:
            raise fail(f"--{prefix}password-env: the environment variable {env} is not set or empty")
        return value
    if not from_stdin:
        return None
    prompt = f"{prefix.rstrip('-').upper() or 'SMTP'} password: "
    value = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.read().rstrip("\r\n")
    if not value:
        raise fail(f"--{prefix}password-stdin: no password on standard input")
    return value


def _passwords(env: str | None, from_stdin: bool, imap_env: str | None, imap_from_stdin: bool) -> dict[str, Any]:
    if from_stdin and imap_from_stdin:
        raise fail("--password-stdin and --imap-password-stdin together: standard input holds one password; "
                   "give the other with --password-env or --imap-password-env")
    return {"smtp_password": _password(env, from_stdin), "imap_password": _password(imap_env, imap_from_stdin, "imap-")}


def _read(path: Path | None, option: str) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail(f"{option}: {path} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{option}: cannot read {path}: {exc}") from None


def _security(value: str | None, option: str = "--security") -> SmtpSecurity | None:
    if value is None:
        return None
    if value.lower() not in SECURITIES:
        raise fail(f"{option} {value!r}: use one of {', '.join(SECURITIES)}")
    return SmtpSecurity(value.lower())


def _given(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def _rate(value: float) -> str:
    return f"{value:.1%}"


def _sender(mailbox: MailboxRead) -> str:
    return f"{mailbox.from_name} <{mailbox.from_address}>" if mailbox.from_name else mailbox.from_address


def _warmup(mailbox: MailboxRead) -> str:
    return "-" if mailbox.warmup_start is None else f"{mailbox.warmup_start}+{mailbox.warmup_increment or 0}/day"


def state_text(mailbox: MailboxRead | MailboxStatus) -> str:
    unreadable = f"; {', '.join(mailbox.unreadable_secrets)} unreadable" if mailbox.unreadable_secrets else ""
    reason = mailbox.paused_reason
    if mailbox.state != "paused" or not reason:
        return mailbox.state + unreadable
    # The guard's reason says "paused" itself.
    return (reason if reason.lower().startswith("paused") else f"paused: {reason}") + unreadable


def _table(rows: list[tuple[MailboxRead, MailboxHealth]]) -> Table:
    table = Table()
    table.add_column("name", no_wrap=True)
    table.add_column("from", overflow="fold")
    table.add_column("host:port", no_wrap=True)
    table.add_column("security", no_wrap=True)
    for column in ("daily cap", "warm-up", "sent today", "bounce rate", "complaint rate"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("state", no_wrap=True)
    for mailbox, health in rows:
        table.add_row(mailbox.name, mailbox.from_address, f"{mailbox.smtp_host}:{mailbox.smtp_port}",
                      mailbox.smtp_security.value, str(mailbox.daily_cap), _warmup(mailbox),
                      f"{health.sent_today}/{health.cap_today}", _rate(health.hard_bounce_rate),
                      _rate(health.complaint_rate), escape(state_text(mailbox)))
    return table


def _imap_lines(mailbox: MailboxRead) -> list[tuple[str, str]]:
    if mailbox.imap_host is None:
        return [("imap", "none (replies and bounces are not read)")]
    port = mailbox.imap_port or default_imap_port(mailbox.imap_security)
    smtp_login = f"{mailbox.smtp_username} (SMTP's)" if mailbox.smtp_username else "-"
    return [("imap", f"{mailbox.imap_host}:{port} ({mailbox.imap_security.value})"),
            ("imap username", mailbox.imap_username or smtp_login),
            ("imap password", "set" if mailbox.has_imap_password else "SMTP's" if mailbox.has_password else "none"),
            ("imap folder", mailbox.imap_folder), ("bounce folder", mailbox.bounce_folder or "-")]


def _print_mailbox(mailbox: MailboxRead, health: MailboxHealth | None = None) -> None:
    lines = [
        ("from", _sender(mailbox)), ("reply-to", mailbox.reply_to or "-"),
        ("smtp", f"{mailbox.smtp_host}:{mailbox.smtp_port} ({mailbox.smtp_security.value})"),
        ("username", mailbox.smtp_username or "-"), ("password", "set" if mailbox.has_password else "none"),
        ("daily cap", str(mailbox.daily_cap)),
        ("warm-up", "-" if mailbox.warmup_start is None else
         f"{mailbox.warmup_start} the first day, {mailbox.warmup_increment or 0} more each day"),
        ("dkim", f"{mailbox.dkim_domain}, selector {mailbox.dkim_selector}" if mailbox.dkim else "none"),
        ("signature", ", ".join(kind for kind, text in (("text", mailbox.signature_text),
                                                         ("html", mailbox.signature_html)) if text) or "none"),
        *_imap_lines(mailbox), ("state", state_text(mailbox)),
    ]
    if health is not None:
        lines += [("sent today", f"{health.sent_today} of {health.cap_today}"),
                  (f"bounce rate ({health.window_hours:g}h)", _rate(health.hard_bounce_rate)),
                  (f"complaint rate ({health.window_hours:g}h)", _rate(health.complaint_rate))]
    console.print(f"[bold]mailbox {mailbox.name}[/]", highlight=False)
    for label, value in lines:
        console.print(f"  {label}: {escape(value)}", highlight=False, soft_wrap=True)


def check_format(format_: str) -> None:
    if format_ not in ("text", "json"):
        raise fail(f"unknown --format {format_!r}: use text or json")


@app.command("add")
@reports_errors
def add_command(
    name: str = typer.Argument(..., help="A short name: letters, digits, '.', '_' and '-'."),
    from_address: str = typer.Option(..., "--from", help="The address emails are sent from."),
    smtp_host: str = typer.Option(..., "--smtp-host", help="The SMTP server."),
    from_name: str | None = FROM_NAME, reply_to: str | None = REPLY_TO, smtp_port: int | None = SMTP_PORT,
    security: str | None = SECURITY, username: str | None = USERNAME, password_env: str | None = PASSWORD_ENV,
    password_stdin: bool = PASSWORD_STDIN, daily_cap: int | None = DAILY_CAP, warmup_start: int | None = WARMUP_START,
    warmup_increment: int | None = WARMUP_INCREMENT, signature_file: Path | None = SIGNATURE_FILE,
    signature_html_file: Path | None = SIGNATURE_HTML_FILE, dkim_domain: str | None = DKIM_DOMAIN,
    dkim_selector: str | None = DKIM_SELECTOR, dkim_key_file: Path | None = DKIM_KEY_FILE,
    imap_host: str | None = IMAP_HOST, imap_port: int | None = IMAP_PORT, imap_security: str | None = IMAP_SECURITY,
    imap_username: str | None = IMAP_USERNAME, imap_password_env: str | None = IMAP_PASSWORD_ENV,
    imap_password_stdin: bool = IMAP_PASSWORD_STDIN, imap_folder: str | None = IMAP_FOLDER,
    bounce_folder: str | None = BOUNCE_FOLDER,
) -> None:
    """Add a sender mailbox: its From identity, its SMTP server, how much it may send, and where replies arrive."""
    data = _given(
        name=name, from_address=from_address, from_name=from_name, reply_to=reply_to, smtp_host=smtp_host,
        smtp_port=smtp_port, smtp_security=_security(security), smtp_username=username, daily_cap=daily_cap,
        warmup_start=warmup_start, warmup_increment=warmup_increment,
        signature_text=_read(signature_file, "--signature-file"),
        signature_html=_read(signature_html_file, "--signature-html-file"), dkim_domain=dkim_domain,
        dkim_selector=dkim_selector, dkim_private_key=_read(dkim_key_file, "--dkim-key-file"), imap_host=imap_host,
        imap_port=imap_port, imap_security=_security(imap_security, "--imap-security"), imap_username=imap_username,
        imap_folder=imap_folder, bounce_folder=bounce_folder,
        **_passwords(password_env, password_stdin, imap_password_env, imap_password_stdin))
    with open_session() as db:
        mailbox = ops.add_mailbox(db, data)
    inbox = f"; reads {mailbox.imap_folder} at {mailbox.imap_host}:{mailbox.imap_port}" if mailbox.imap_host else ""
    console.print(f"added mailbox {mailbox.name}: {escape(_sender(mailbox))} via {mailbox.smtp_host}:"
                  f"{mailbox.smtp_port} ({mailbox.smtp_security.value}), daily cap {mailbox.daily_cap}{escape(inbox)}",
                  highlight=False, soft_wrap=True)
    _warn_unencrypted(mailbox)
    err_console.print(f"note: {ADD_HINT}", highlight=False)


def _warn_unencrypted(mailbox: MailboxRead) -> None:
    if mailbox.has_password or mailbox.has_imap_password or mailbox.dkim:
        note_kept_secret_key(get_settings())
    if mailbox.smtp_security is SmtpSecurity.NONE and mailbox.has_password:
        err_console.print("[yellow]warning:[/] security none sends the password unencrypted", highlight=False)
    if (mailbox.imap_host and mailbox.imap_security is SmtpSecurity.NONE
            and (mailbox.has_imap_password or mailbox.has_password)):
        err_console.print("[yellow]warning:[/] IMAP security none sends the password unencrypted", highlight=False)


@app.command("list")
@reports_errors
def list_command(format_: str = FORMAT) -> None:
    """Every mailbox with today's sends, its bounce and complaint rates (last 24 hours) and its state."""
    check_format(format_)
    with open_session() as db:
        rows = [(mailbox, ops.mailbox_health(db, mailbox.name)) for mailbox in ops.list_mailboxes(db)]
    if format_ == "json":
        console.print_json(json.dumps([mailbox.model_dump(mode="json") | {"health": health.model_dump(mode="json")}
                                       for mailbox, health in rows]))
        return
    console.print(_table(rows))
    console.print(f"{len(rows)} mailbox(es)", highlight=False)


@app.command("show")
@reports_errors
def show_command(name: str, format_: str = FORMAT) -> None:
    """One mailbox's settings (not its password or DKIM key) and how it is doing."""
    check_format(format_)
    with open_session() as db:
        mailbox, health = ops.get_mailbox(db, name), ops.mailbox_health(db, name)
    if format_ == "json":
        console.print_json(json.dumps(mailbox.model_dump(mode="json") | {"health": health.model_dump(mode="json")}))
        return
    _print_mailbox(mailbox, health)


def _clearing(clear: list[str], given: dict[str, Any]) -> dict[str, None]:
    cleared: dict[str, None] = {}
    for option in clear:
        columns = CLEARABLE.get(option.replace("_", "-"))
        if columns is None:
            raise fail(f"--clear {option!r}: use one of {', '.join(CLEARABLE)}")
        both = [column for column in columns if column in given]
        if both:
            raise fail(f"--clear {option} and a new {both[0]} together: give one")
        cleared |= dict.fromkeys(columns)
    return cleared


@app.command("set")
@reports_errors
def set_command(
    name: str,
    from_address: str | None = typer.Option(None, "--from", help="The address emails are sent from."),
    smtp_host: str | None = typer.Option(None, "--smtp-host", help="The SMTP server."),
    from_name: str | None = FROM_NAME, reply_to: str | None = REPLY_TO, smtp_port: int | None = SMTP_PORT,
    security: str | None = SECURITY, username: str | None = USERNAME, password_env: str | None = PASSWORD_ENV,
    password_stdin: bool = PASSWORD_STDIN, daily_cap: int | None = DAILY_CAP, warmup_start: int | None = WARMUP_START,
    warmup_increment: int | None = WARMUP_INCREMENT, signature_file: Path | None = SIGNATURE_FILE,
    signature_html_file: Path | None = SIGNATURE_HTML_FILE, dkim_domain: str | None = DKIM_DOMAIN,
    dkim_selector: str | None = DKIM_SELECTOR, dkim_key_file: Path | None = DKIM_KEY_FILE,
    imap_host: str | None = IMAP_HOST, imap_port: int | None = IMAP_PORT, imap_security: str | None = IMAP_SECURITY,
    imap_username: str | None = IMAP_USERNAME, imap_password_env: str | None = IMAP_PASSWORD_ENV,
    imap_password_stdin: bool = IMAP_PASSWORD_STDIN, imap_folder: str | None = IMAP_FOLDER,
    bounce_folder: str | None = BOUNCE_FOLDER,
    enabled: bool | None = typer.Option(None, "--enable/--disable", help="Turn the mailbox on or off."),
    clear: list[str] = typer.Option([], "--clear", help=f"Remove (repeatable): {', '.join(CLEARABLE)}."),
) -> None:
    """Change some of a mailbox's settings; the others stay as they are."""
    given = _given(
        from_address=from_address, from_name=from_name, reply_to=reply_to, smtp_host=smtp_host, smtp_port=smtp_port,
        smtp_security=_security(security), smtp_username=username, daily_cap=daily_cap, warmup_start=warmup_start,
        warmup_increment=warmup_increment, signature_text=_read(signature_file, "--signature-file"),
        signature_html=_read(signature_html_file, "--signature-html-file"), dkim_domain=dkim_domain,
        dkim_selector=dkim_selector, dkim_private_key=_read(dkim_key_file, "--dkim-key-file"), imap_host=imap_host,
        imap_port=imap_port, imap_security=_security(imap_security, "--imap-security"), imap_username=imap_username,
        imap_folder=imap_folder, bounce_folder=bounce_folder, enabled=enabled,
        **_passwords(password_env, password_stdin, imap_password_env, imap_password_stdin))
    given |= _clearing(clear, given)
    if not given:
        raise fail("nothing to change: give at least one option (see --help)")
    with open_session() as db:
        mailbox = ops.update_mailbox(db, name, given)
    _print_mailbox(mailbox)
    _warn_unencrypted(mailbox)
    console.print(f"{name}: changed {', '.join(sorted(given))}", highlight=False)
    err_console.print(f"note: {SET_HINT}", highlight=False)


@app.command("pause")
@reports_errors
def pause_command(name: str, reason: str | None = typer.Option(None, "--reason", help="Why, for the record.")
                  ) -> None:
    """Stop sending from a mailbox until it is resumed; its queued emails go from the others or wait."""
    with open_session() as db:
        mailbox = ops.pause_mailbox(db, name, reason)
    console.print(f"mailbox {mailbox.name} paused" + (f": {escape(mailbox.paused_reason)}"
                                                       if mailbox.paused_reason else ""), highlight=False)


@app.command("resume")
@reports_errors
def resume_command(name: str) -> None:
    """Send from a paused mailbox again."""
    with open_session() as db:
        mailbox = ops.resume_mailbox(db, name)
    console.print(f"mailbox {mailbox.name} resumed ({mailbox.state})", highlight=False)
    err_console.print(f"note: {RESUME_HINT}", highlight=False)


@app.command("remove")
@reports_errors
def remove_command(name: str, yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask.")) -> None:
    """Delete a mailbox; its past sends stay in the history without it."""
    if not yes:
        typer.confirm(f"Remove mailbox {name}?", abort=True)
    with open_session() as db:
        ops.remove_mailbox(db, name)
    console.print(f"mailbox {name} removed", highlight=False)


@app.command("rotate-secrets")
@reports_errors
def rotate_secrets_command() -> None:
    """Encrypt every stored password and DKIM key again with the current AICMO_SECRET_KEY.

    After changing the secret key, run it with AICMO_PREVIOUS_SECRET_KEY set to the old one; then the old one may go.
    """
    with open_session() as db:
        report = ops.rotate_mailbox_secrets(db)
    console.print(f"mailbox secrets: {report.sealed} encrypted with the current key, {report.current} already were",
                  highlight=False)
    if report.unreadable:
        named = ", ".join(f"{mailbox} ({column})" for mailbox, column in report.unreadable)
        raise fail(f"cannot decrypt {named} with AICMO_SECRET_KEY or AICMO_PREVIOUS_SECRET_KEY: set the secret it "
                   "was stored with as AICMO_PREVIOUS_SECRET_KEY, or store it again with `aicmo mailboxes set`")
