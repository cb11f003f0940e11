"""One SMTP session per mailbox, kept open across messages and reopened when the server has dropped it.

A transaction is retried on a fresh connection only when a reused connection failed before DATA (the server
had closed it while idle): then nothing of the message was accepted. Once DATA has started, a lost connection
or a timeout is reported as it is and the message is never sent again from here. Once the whole message and its
final dot were written, no answer (a timeout or a lost connection) leaves it in doubt: the server may have taken
it, and only the operator can tell.

Each wait has its own timeout (SmtpTimeouts, by default RFC 5321 section 4.5.3.2's).
"""

import asyncio
import re
import ssl

import aiosmtplib
from aiosmtplib import SMTPStatus

from aicmo.cam.outreach.domain import SmtpSecurity
from aicmo.cam.outreach.email.classify import NetworkFailure, SmtpPhase, SmtpReply
from aicmo.cam.outreach.email.mailbox import Mailbox
from aicmo.cam.outreach.email.timeouts import SmtpTimeouts

_BEFORE_DATA = (SmtpPhase.MAIL, SmtpPhase.RCPT)
_LINE_END = re.compile(rb"\r\n|\n|\r")
_LEADING_DOT = re.compile(rb"^\.", re.MULTILINE)


class MailboxConnection:
    def __init__(self, mailbox: Mailbox, *, timeout: SmtpTimeouts | float, tls_context: ssl.SSLContext,
                 local_hostname: str) -> None:
        self.mailbox = mailbox
        self._timeouts = timeout if isinstance(timeout, SmtpTimeouts) else SmtpTimeouts.uniform(timeout)
        self._tls_context = tls_context
        self._local_hostname = local_hostname
        self._smtp: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()

    @property
    def is_open(self) -> bool:
        return self._smtp is not None and self._smtp.is_connected

    async def deliver(self, sender: str, recipient: str, data: "bytes | asyncio.Future[bytes]", *,
                      recipient_sent: "asyncio.Future[None] | None" = None) -> SmtpReply:
        """Run MAIL, RCPT and DATA for one recipient; every network or SMTP problem comes back as the reply.

        `data` may still be in the making: DATA goes out once the server has accepted the recipient, and the
        content is awaited only when the server asks for it (354), so the message can be built and signed while
        the envelope is on the wire. If building it fails, the session is dropped (it holds an open
        transaction) and the error is raised as it is. `recipient_sent` is resolved once RCPT is on the wire:
        work that can wait for its answer can run then.
        """
        async with self._lock:
            reused = self.is_open
            reply = await self._transaction(sender, recipient, data, recipient_sent)
            if reused and _dropped_while_idle(reply):
                reply = await self._transaction(sender, recipient, data, recipient_sent)
            return reply

    async def aclose(self) -> None:
        async with self._lock:
            smtp, self._smtp = self._smtp, None
            if smtp is not None and smtp.is_connected:
                try:
                    await smtp.quit(timeout=min(self._timeouts.quit, 5.0))
                except (aiosmtplib.SMTPException, OSError, TimeoutError):
                    smtp.close()

    async def _transaction(self, sender: str, recipient: str, data: "bytes | asyncio.Future[bytes]",
                           recipient_sent: "asyncio.Future[None] | None") -> SmtpReply:
        opened = await self._envelope(sender, recipient, recipient_sent)
        if isinstance(opened, SmtpReply):
            return opened
        try:
            response = await self._data(opened, data)
            return SmtpReply(SmtpPhase.DATA, response.code, response.message)
        except _Unanswered as unanswered:
            self._drop()
            return _reply_for(SmtpPhase.DATA, unanswered.error, in_doubt=True)
        except _ContentFailed as failed:
            self._drop()
            raise failed.error from None
        except aiosmtplib.SMTPResponseException as exc:
            await self._reset()
            return SmtpReply(SmtpPhase.DATA, exc.code, exc.message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as exc:
            self._drop()
            return _reply_for(SmtpPhase.DATA, exc)
        except BaseException:
            self._drop()  # cancelled mid-command: the session's state is unknown
            raise

    async def _data(self, smtp: aiosmtplib.SMTP, data: "bytes | asyncio.Future[bytes]") -> aiosmtplib.SMTPResponse:
        """DATA, then the content; content still in the making is awaited only once the server has said 354.

        aiosmtplib's `data` waits as long for 354 as for the final answer, so the steps are taken here on its
        protocol, as `data` itself takes them, each with its own timeout.
        """
        start = await smtp.execute_command(b"DATA", timeout=self._timeouts.data_start)
        if start.code != SMTPStatus.start_input:
            raise aiosmtplib.SMTPDataError(start.code, start.message)
        try:
            content = data if isinstance(data, bytes) else await data
        except Exception as exc:
            raise _ContentFailed(exc) from exc
        protocol = smtp.protocol
        if protocol is None:
            raise aiosmtplib.SMTPServerDisconnected("Connection lost")
        # An answer may come while the buffer drains: expected from now on, as aiosmtplib's own `data` says.
        protocol._response_pending = True
        protocol.write(_terminated(content))
        # Until the buffer has drained the final dot has not left, so the server cannot have accepted anything.
        await asyncio.wait_for(protocol._drain_helper(), self._timeouts.data_block)
        try:
            response = await protocol.read_response(timeout=self._timeouts.data_end)
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError) as exc:
            raise _Unanswered(exc) from exc
        if response.code != SMTPStatus.completed:
            raise aiosmtplib.SMTPDataError(response.code, response.message)
        return response

    async def _envelope(self, sender: str, recipient: str,
                        recipient_sent: "asyncio.Future[None] | None") -> aiosmtplib.SMTP | SmtpReply:
        """The open session with MAIL and RCPT accepted, or the reply that ended the transaction."""
        phase = SmtpPhase.CONNECT
        try:
            smtp = self._smtp if self._smtp is not None and self._smtp.is_connected else None
            if smtp is None:
                smtp = await self._open()
            phase = SmtpPhase.MAIL
            await smtp.mail(sender, timeout=self._timeouts.mail)
            phase = SmtpPhase.RCPT
            if recipient_sent is not None and not recipient_sent.done():
                # Whoever waits on it runs only once `rcpt` yields, which it does after writing RCPT.
                recipient_sent.set_result(None)
            await smtp.rcpt(recipient, timeout=self._timeouts.rcpt)
            return smtp
        except _PhaseError as exc:
            self._drop()
            return _reply_for(exc.phase, exc.error)
        except aiosmtplib.SMTPResponseException as exc:
            await self._reset()
            return SmtpReply(phase, exc.code, exc.message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as exc:
            self._drop()
            return _reply_for(phase, exc)
        except BaseException:
            self._drop()  # cancelled mid-command: the session's state is unknown
            raise

    async def _open(self) -> aiosmtplib.SMTP:
        mailbox, phase = self.mailbox, SmtpPhase.CONNECT
        self._drop()
        smtp = aiosmtplib.SMTP(hostname=mailbox.smtp_host, port=mailbox.smtp_port, timeout=self._timeouts.connect,
                               use_tls=mailbox.smtp_security is SmtpSecurity.TLS, start_tls=False,
                               tls_context=self._tls_context, local_hostname=self._local_hostname)
        try:
            await smtp.connect()
            await smtp.ehlo()
            if mailbox.smtp_security is SmtpSecurity.STARTTLS:
                phase = SmtpPhase.STARTTLS
                await smtp.starttls()
            if mailbox.smtp_username:
                phase = SmtpPhase.AUTH
                await smtp.login(mailbox.smtp_username, mailbox.smtp_password or "")
        except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as exc:
            smtp.close()
            raise _PhaseError(phase, exc) from exc
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    async def _reset(self) -> None:
        """Clear the refused envelope so the session can carry the next message; drop it if that fails."""
        if self._smtp is None or not self._smtp.is_connected:
            self._drop()
            return
        try:
            await self._smtp.rset()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            self._drop()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()


class _ContentFailed(Exception):
    """Building the content failed: its own error, kept apart from the session's."""

    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


class _Unanswered(Exception):
    """The whole message went out and its answer never came."""

    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


class _PhaseError(Exception):
    def __init__(self, phase: SmtpPhase, error: Exception) -> None:
        super().__init__(phase, error)
        self.phase, self.error = phase, error


def _terminated(content: bytes) -> bytes:
    """Message content as DATA carries it: CRLF line ends, leading dots doubled, ended by a lone dot."""
    return _LEADING_DOT.sub(b"..", _LINE_END.sub(b"\r\n", content).removesuffix(b"\r\n")) + b"\r\n.\r\n"


def _reply_for(phase: SmtpPhase, error: Exception, *, in_doubt: bool = False) -> SmtpReply:
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return SmtpReply(phase, error.code, error.message)
    text = str(error) or type(error).__name__
    if isinstance(error, TimeoutError):  # aiosmtplib's SMTPTimeoutError is one too
        return SmtpReply(phase, text=text, failure=NetworkFailure.TIMEOUT, in_doubt=in_doubt)
    if isinstance(error, ConnectionError | OSError):
        failure = NetworkFailure.UNREACHABLE if phase is SmtpPhase.CONNECT else NetworkFailure.DISCONNECTED
        return SmtpReply(phase, text=text, failure=failure, in_doubt=in_doubt)
    return SmtpReply(phase, text=text, failure=NetworkFailure.PROTOCOL, in_doubt=in_doubt)


def _dropped_while_idle(reply: SmtpReply) -> bool:
    return reply.phase in _BEFORE_DATA and (reply.failure is NetworkFailure.DISCONNECTED or reply.code == 421)
