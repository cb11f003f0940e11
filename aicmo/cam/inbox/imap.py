"""Read a sender mailbox over IMAP: new messages by UID, left unread, and processed ones moved aside.

The folder is selected read-write only so that `move` can work: nothing is ever expunged except the UIDs just
copied elsewhere, and only where UIDPLUS lets the expunge name them (a plain EXPUNGE would also remove whatever
the mailbox's owner had marked deleted).
"""

import imaplib
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from imapclient import DELETED, IMAPClient  # type: ignore[import-untyped]

from aicmo.cam.outreach.domain import SmtpSecurity
from aicmo.cam.outreach.models import MailboxDB

_IMAP_ERRORS = (OSError, imaplib.IMAP4.error)  # sockets, TLS and timeouts are OSErrors; IMAP refusals the other


class InboxError(Exception):
    """The mailbox could not be reached or read; the message names the server and the cause, never a password."""


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    security: SmtpSecurity
    username: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    timeout: float = 30.0
    ssl_context: ssl.SSLContext | None = None  # None: the system's trusted CAs

    @classmethod
    def for_mailbox(cls, mailbox: MailboxDB, timeout: float) -> "ImapSettings | None":
        """Where a mailbox's mail is read, its SMTP login filling in what IMAP leaves unset; None without a host."""
        if not mailbox.imap_host:
            return None
        security = SmtpSecurity(mailbox.imap_security or SmtpSecurity.TLS)
        return cls(host=mailbox.imap_host,
                   port=mailbox.imap_port or (993 if security is SmtpSecurity.TLS else 143),
                   security=security,
                   username=mailbox.imap_username or mailbox.smtp_username or mailbox.from_address,
                   password=mailbox.imap_password or mailbox.smtp_password or "",
                   folder=mailbox.imap_folder or "INBOX",
                   timeout=timeout)


@dataclass(frozen=True)
class FetchedMessage:
    uid: int
    raw: bytes


class InboxReader:
    """One logged-in IMAP session on the settings' folder, for use in a `with` block."""

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self._client: Any = None
        self._uidvalidity = 0

    def __enter__(self) -> "InboxReader":
        settings = self.settings
        context = settings.ssl_context or ssl.create_default_context()
        with self._errors("cannot connect"):
            client = IMAPClient(settings.host, settings.port, ssl=settings.security is SmtpSecurity.TLS,
                                ssl_context=context, timeout=settings.timeout)
        try:
            if settings.security is SmtpSecurity.STARTTLS:
                with self._errors("STARTTLS failed"):
                    client.starttls(context)
            with self._errors(f"login as {settings.username} refused"):
                client.login(settings.username, settings.password)
            with self._errors(f"cannot open folder {settings.folder}"):
                selected = client.select_folder(settings.folder, readonly=False)
        except InboxError:
            _close(client)
            raise
        self._client = client
        self._uidvalidity = int(selected[b"UIDVALIDITY"])
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        client, self._client = self._client, None
        if client is not None:
            _close(client)

    @property
    def uidvalidity(self) -> int:
        """The folder's UIDVALIDITY: when it changes, UIDs seen before name other messages."""
        self._session()
        return self._uidvalidity

    def fetch_since(self, last_uid: int, limit: int = 200) -> list[FetchedMessage]:
        """Return up to `limit` messages with a UID above last_uid, oldest first, leaving them unread."""
        if last_uid < 0 or limit < 1:
            raise ValueError(f"fetch_since needs last_uid >= 0 and limit >= 1, got {last_uid} and {limit}")
        client = self._session()
        with self._errors(f"cannot read folder {self.settings.folder}"):
            found = client.search(["UID", f"{last_uid + 1}:*"])
            # `UID n:*` also matches the newest message when n is past it: keep only the new ones.
            uids = sorted(int(uid) for uid in found if int(uid) > last_uid)[:limit]
            if not uids:
                return []
            fetched = client.fetch(uids, ["BODY.PEEK[]"])  # PEEK: the owner still sees the mail as unread
        # A UID missing from the answer was expunged by someone else meanwhile: it is gone.
        return [FetchedMessage(uid, bytes(fetched[uid][b"BODY[]"])) for uid in uids
                if b"BODY[]" in fetched.get(uid, {})]

    def move(self, uids: Sequence[int], folder: str) -> None:
        """Move exactly these messages to `folder`, creating it if needed."""
        wanted = sorted({int(uid) for uid in uids})
        if not wanted:
            return
        client = self._session()
        with self._errors(f"cannot move {len(wanted)} message(s) to {folder}"):
            can_move = client.has_capability("MOVE")
            if not can_move and not client.has_capability("UIDPLUS"):
                raise InboxError(self._describe(
                    f"cannot move messages to {folder}: the server offers neither MOVE nor UIDPLUS, and a plain "
                    "EXPUNGE would also remove other messages marked deleted"))
            self._ensure_folder(client, folder)
            if can_move:
                client.move(wanted, folder)
                return
            client.copy(wanted, folder)
            client.add_flags(wanted, [DELETED])
            client.uid_expunge(wanted)

    def _ensure_folder(self, client: Any, folder: str) -> None:
        if client.folder_exists(folder):
            return
        try:
            client.create_folder(folder)
        except imaplib.IMAP4.error:
            if not client.folder_exists(folder):  # not a concurrent creation that won the race
                raise

    def _session(self) -> Any:
        if self._client is None:
            raise InboxError(self._describe("not connected: use the reader in a `with` block"))
        return self._client

    def _describe(self, problem: str) -> str:
        text = f"IMAP {self.settings.host}:{self.settings.port}: {problem}"
        password = self.settings.password
        return text.replace(password, "***") if password else text

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except _IMAP_ERRORS as exc:
            raise InboxError(self._describe(f"{action}: {_cause(exc)}")) from exc


def _cause(exc: BaseException) -> str:
    text = str(exc)
    if text.startswith(("b'", 'b"')) and text.endswith(text[1]):  # imaplib's errors carry the server's bytes
        text = text[2:-1]
    if isinstance(exc, imaplib.IMAP4.error):
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _close(client: Any) -> None:
    """Log out without CLOSE, which would expunge; drop the socket if the server no longer answers."""
    try:
        client.logout()
    except _IMAP_ERRORS:
        with suppress(*_IMAP_ERRORS):
            client.shutdown()
