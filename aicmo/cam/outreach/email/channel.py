"""The email channel: each message composed, signed and sent over SMTP from one of several sender mailboxes."""

import asyncio
import itertools
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.leads.enums import EmailStatus
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.base import OutreachServiceBase
from aicmo.cam.outreach.domain import Channel, ErrorKind, EventKind, OutreachMessage, SendResult, SendStatus
from aicmo.cam.outreach.email.classify import classify, event_outcome
from aicmo.cam.outreach.email.compose import ComposedEmail, Envelope, compose, envelope
from aicmo.cam.outreach.email.dkim_signing import DkimSigner
from aicmo.cam.outreach.email.headers import HeaderInjection
from aicmo.cam.outreach.email.mailbox import Mailbox
from aicmo.cam.outreach.email.pool import MailboxPool
from aicmo.cam.outreach.email.store import latest_event, load_mailboxes, mailbox_event_rate
from aicmo.cam.outreach.email.timeouts import SmtpTimeouts
from aicmo.cam.outreach.unsubscribe import make_token
from aicmo.settings import Settings


@dataclass(frozen=True)
class _Checked:
    """A message that passed every check that needs no building: its mailbox, envelope and unsubscribe URL."""

    mailbox: Mailbox
    envelope: Envelope
    unsubscribe_url: str


@dataclass(frozen=True)
class PreparedEmail:
    """A message ready for the wire: the chosen mailbox, the envelope, and the (signed) bytes."""

    mailbox: Mailbox
    message_id: str
    sender: str
    recipient: str
    data: bytes


class EmailOutreachService(OutreachServiceBase):
    channel = Channel.EMAIL

    def __init__(self, mailboxes: Sequence[Mailbox], sessions: sessionmaker[Session], *,
                 tls_context: ssl.SSLContext | None = None, timeout: float | None = None,
                 settings: Settings, local_hostname: str | None = None) -> None:
        self._mailboxes = {mailbox.name: mailbox for mailbox in mailboxes}
        if len(self._mailboxes) != len(mailboxes):
            raise ValueError("mailbox names must be unique")
        self._sessions = sessions
        # `timeout` puts every SMTP wait at the same few seconds (tests); the settings give each its own.
        self._timeouts = SmtpTimeouts.of(settings) if timeout is None else SmtpTimeouts.uniform(timeout)
        self._pool_sizes = (settings.smtp_connections_per_mailbox, settings.smtp_max_connections_per_mailbox,
                            settings.smtp_slow_reply_seconds)
        self._tls_context = tls_context or ssl.create_default_context()
        self._local_hostname = local_hostname
        self._unsubscribe_base = settings.public_base_url.rstrip("/") + "/u/"
        self._secret = settings.secret_key
        # Read and checked now: a bad key is a configuration error to hear about at start-up, not at send time.
        self._signers = {m.name: DkimSigner(m.dkim.domain, m.dkim.selector, m.dkim.private_key)
                         for m in mailboxes if m.dkim is not None}
        self._connections: dict[str, MailboxPool] = {}
        self._turn = itertools.count()

    @classmethod
    def from_db(cls, sessions: sessionmaker[Session], *, tls_context: ssl.SSLContext | None = None,
                timeout: float | None = None, settings: Settings,
                local_hostname: str | None = None) -> "EmailOutreachService":
        """The service over every mailbox stored in the database."""
        with sessions() as db:
            mailboxes = load_mailboxes(db)
        return cls(mailboxes, sessions, tls_context=tls_context, timeout=timeout, settings=settings,
                   local_hostname=local_hostname)

    @property
    def mailboxes(self) -> tuple[Mailbox, ...]:
        return tuple(self._mailboxes.values())

    async def refresh(self, mailboxes: Sequence[Mailbox]) -> None:
        """Take up added, changed, paused or removed mailboxes without a restart; changed ones reconnect."""
        current = {mailbox.name: mailbox for mailbox in mailboxes}
        for name, old in list(self._mailboxes.items()):
            if current.get(name) != old:
                connection = self._connections.pop(name, None)
                if connection is not None:
                    await connection.aclose()
                self._signers.pop(name, None)
        for mailbox in mailboxes:
            if mailbox.dkim is not None and mailbox.name not in self._signers:
                self._signers[mailbox.name] = DkimSigner(mailbox.dkim.domain, mailbox.dkim.selector,
                                                         mailbox.dkim.private_key)
        self._mailboxes = current

    def can_reach(self, lead: LeadRead) -> str | None:
        if not self._mailboxes:
            return "no sender mailbox is configured (aicmo mailboxes add)"
        if not lead.email:
            return "the lead has no email address"
        if lead.email_status is EmailStatus.INVALID:
            return f"the lead's email address {lead.email} is marked invalid"
        return None

    async def send(self, message: OutreachMessage, lead: LeadRead) -> SendResult:
        started = time.perf_counter()
        checked = self._check(message, lead)
        if isinstance(checked, SendResult):
            result = checked
        else:
            # Built while the server answers MAIL, signed while it answers RCPT: a send costs little more than
            # its SMTP round trips. A refused recipient wastes the build, which is rare and cheap.
            recipient_sent: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            data = asyncio.ensure_future(self._render_soon(message, lead, checked, recipient_sent))
            try:
                reply = await self._connection(checked.mailbox).deliver(
                    checked.envelope.sender, checked.envelope.recipient, data, recipient_sent=recipient_sent)
            finally:
                _settle(data)
            outcome = classify(reply, checked.mailbox.name)
            result = SendResult(status=outcome.status, channel=Channel.EMAIL, detail=outcome.detail,
                                error_kind=outcome.error_kind, provider_message_id=checked.envelope.message_id,
                                event=outcome.event, mailbox=checked.mailbox.name, target=lead.email,
                                target_domain=checked.envelope.recipient.rpartition("@")[2],
                                response_code=reply.code)
        result.duration_ms = (time.perf_counter() - started) * 1000
        return result

    def prepare(self, message: OutreachMessage, lead: LeadRead) -> PreparedEmail | SendResult:
        """The message as it would go out now, or the failed result that stops it before any connection."""
        checked = self._check(message, lead)
        if isinstance(checked, SendResult):
            return checked
        content = self._composed(message, lead, checked).content
        data = content.to_bytes()
        signer = self._signers.get(checked.mailbox.name)
        if signer is not None:
            data = signer.sign_fields(content.fields, content.body) + data
        return PreparedEmail(checked.mailbox, checked.envelope.message_id, checked.envelope.sender,
                             checked.envelope.recipient, data)

    def _check(self, message: OutreachMessage, lead: LeadRead) -> "_Checked | SendResult":
        reason = self.can_reach(lead)
        if reason is not None:
            return self._failed(ErrorKind.CHANNEL_FAILED, reason, lead)
        mailbox = self._choose(message.mailbox)
        if isinstance(mailbox, str):
            return self._failed(ErrorKind.TRANSIENT, mailbox, lead)
        unsubscribe_url = self._unsubscribe_base + make_token(message.id, lead.id, self._secret)
        try:
            checked = envelope(mailbox, message, lead, unsubscribe_url=unsubscribe_url)
        except HeaderInjection as exc:
            return self._failed(ErrorKind.CHANNEL_FAILED, str(exc), lead, mailbox)
        except ValueError as exc:
            return self._failed(ErrorKind.CHANNEL_FAILED, f"cannot address the message: {exc}", lead, mailbox)
        return _Checked(mailbox, checked, unsubscribe_url)

    @staticmethod
    def _composed(message: OutreachMessage, lead: LeadRead, checked: "_Checked") -> ComposedEmail:
        return compose(checked.mailbox, message, lead, unsubscribe_url=checked.unsubscribe_url,
                       checked=checked.envelope)

    async def _render_soon(self, message: OutreachMessage, lead: LeadRead, checked: "_Checked",
                           recipient_sent: "asyncio.Future[None]") -> bytes:
        content = self._composed(message, lead, checked).content
        signer = self._signers.get(checked.mailbox.name)
        if signer is None:
            return content.to_bytes()
        unsigned = signer.canonical(content.fields, content.body)
        await recipient_sent  # the RSA step then fills the wait for the server's answer to RCPT
        return signer.signature(unsigned) + content.to_bytes()

    async def check_status(self, provider_message_id: str) -> SendResult | None:
        with self._sessions() as db:
            event = latest_event(db, provider_message_id)
        if event is None:
            return None
        status, kind = event_outcome(event.kind)
        return SendResult(status=status, channel=Channel.EMAIL, detail=event.detail or "", error_kind=kind,
                          provider_message_id=provider_message_id, event=event.kind, mailbox=event.mailbox,
                          target=event.target, response_code=event.response_code)

    def get_bounce_rate(self, mailbox_name: str, window: timedelta = timedelta(days=1)) -> float:
        """Hard bounces per email attempt of this mailbox over the window."""
        with self._sessions() as db:
            return mailbox_event_rate(db, mailbox_name, (EventKind.HARD_BOUNCE,), window)

    def get_complaint_rate(self, mailbox_name: str, window: timedelta = timedelta(days=1)) -> float:
        """Spam complaints per email attempt of this mailbox over the window."""
        with self._sessions() as db:
            return mailbox_event_rate(db, mailbox_name, (EventKind.COMPLAINT,), window)

    async def aclose(self) -> None:
        for connection in self._connections.values():
            await connection.aclose()

    def _choose(self, name: str | None) -> Mailbox | str:
        """The named mailbox, or the next enabled, unpaused one in turn; a reason string when there is none."""
        if name is not None:
            mailbox = self._mailboxes.get(name)
            if mailbox is None:
                return f"no mailbox named {name!r}"
            return mailbox if mailbox.available else f"mailbox {name!r} is disabled or paused"
        available = [mailbox for mailbox in self._mailboxes.values() if mailbox.available]
        if not available:
            return "no enabled, unpaused mailbox to send from"
        return available[next(self._turn) % len(available)]

    def _connection(self, mailbox: Mailbox) -> MailboxPool:
        pool = self._connections.get(mailbox.name)
        if pool is None:
            connections, most, slow_after = self._pool_sizes
            pool = MailboxPool(mailbox, timeouts=self._timeouts, tls_context=self._tls_context,
                               local_hostname=self._local_hostname or mailbox.sender_domain,
                               connections=connections, max_connections=most, slow_after=slow_after)
            self._connections[mailbox.name] = pool
        return pool

    @staticmethod
    def _failed(kind: ErrorKind, detail: str, lead: LeadRead, mailbox: Mailbox | None = None) -> SendResult:
        return SendResult(status=SendStatus.FAILED, channel=Channel.EMAIL, error_kind=kind, detail=detail,
                          mailbox=mailbox.name if mailbox else None, target=lead.email)


def _settle(data: "asyncio.Future[bytes]") -> None:
    """A build the transaction never waited for is cancelled, and a failed one's error counted as seen."""
    if not data.done():
        data.cancel()
    elif not data.cancelled():
        data.exception()
