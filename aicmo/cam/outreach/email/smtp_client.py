"""One SMTP session per mailbox, kept open across messages and reopened when the server has dropped it.

A transaction is retried on a fresh connection only when a reused connection failed before DATA (the server
had closed it while idle): then nothing of the message was accepted. Once DATA has started, a lost connection
or a timeout is reported as it is and the message is never sent again from here.
"""

import asyncio
import ssl

import aiosmtplib

from aicmo.cam.outreach.domain import SmtpSecurity
from aicmo.cam.outreach.email.classify import NetworkFailure, SmtpPhase, SmtpReply
from aicmo.cam.outreach.email.mailbox import Mailbox

_BEFORE_DATA = (SmtpPhase.MAIL, SmtpPhase.RCPT)


class MailboxConnection:
    def __init__(self, mailbox: Mailbox, *, timeout: float, tls_context: ssl.SSLContext, local_hostname: str) -> None:
        self.mailbox = mailbox
        self._timeout = timeout
        self._tls_context = tls_context
        self._local_hostname = local_hostname
        self._smtp: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()

    @property
    def is_open(self) -> bool:
        return self._smtp is not None and self._smtp.is_connected

    async def deliver(self, sender: str, recipient: str, data: "bytes | asyncio.Future[bytes]") -> SmtpReply:
        """Run MAIL, RCPT and DATA for one recipient; every network or SMTP problem comes back as the reply.

        `data` may still be in the making: it is awaited only once the server has accepted the recipient, so
        the message can be built and signed while the envelope is on the wire. If building it fails, the
        session is dropped (it holds an open envelope) and the error is raised as it is.
        """
        async with self._lock:
            reused = self.is_open
            reply = await self._transaction(sender, recipient, data)
            if reused and _dropped_while_idle(reply):
                reply = await self._transaction(sender, recipient, data)
            return reply

    async def aclose(self) -> None:
        async with self._lock:
            smtp, self._smtp = self._smtp, None
            if smtp is not None and smtp.is_connected:
                try:
                    await smtp.quit(timeout=min(self._timeout, 5.0))
                except (aiosmtplib.SMTPException, OSError, TimeoutError):
                    smtp.close()

    async def _transaction(self, sender: str, recipient: str, data: "bytes | asyncio.Future[bytes]") -> SmtpReply:
        opened = await self._envelope(sender, recipient)
        if isinstance(opened, SmtpReply):
            return opened
        try:
            body = data if isinstance(data, bytes) else await data
        except BaseException:
            self._drop()
            raise
        try:
            response = await opened.data(body)
            return SmtpReply(SmtpPhase.DATA, response.code, response.message)
        except aiosmtplib.SMTPResponseException as exc:
            await self._reset()
            return SmtpReply(SmtpPhase.DATA, exc.code, exc.message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as exc:
            self._drop()
            return _reply_for(SmtpPhase.DATA, exc)
        except BaseException:
            self._drop()  # cancelled mid-command: the session's state is unknown
            raise

    async def _envelope(self, sender: str, recipient: str) -> aiosmtplib.SMTP | SmtpReply:
        """The open session with MAIL and RCPT accepted, or the reply that ended the transaction."""
        phase = SmtpPhase.CONNECT
        try:
            smtp = self._smtp if self._smtp is not None and self._smtp.is_connected else None
            if smtp is None:
                smtp = await self._open()
            phase = SmtpPhase.MAIL
            await smtp.mail(sender)
            phase = SmtpPhase.RCPT
            await smtp.rcpt(recipient)
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
            self._drop()
            raise

    async def _open(self) -> aiosmtplib.SMTP:
        mailbox, phase = self.mailbox, SmtpPhase.CONNECT
        self._drop()
        smtp = aiosmtplib.SMTP(hostname=mailbox.smtp_host, port=mailbox.smtp_port, timeout=self._timeout,
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


class _PhaseError(Exception):
    def __init__(self, phase: SmtpPhase, error: Exception) -> None:
        super().__init__(phase, error)
        self.phase, self.error = phase, error


def _reply_for(phase: SmtpPhase, error: Exception) -> SmtpReply:
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return SmtpReply(phase, error.code, error.message)
    text = str(error) or type(error).__name__
    if isinstance(error, TimeoutError):  # aiosmtplib's SMTPTimeoutError is one too
        return SmtpReply(phase, text=text, failure=NetworkFailure.TIMEOUT)
    if isinstance(error, ConnectionError | OSError):
        failure = NetworkFailure.UNREACHABLE if phase is SmtpPhase.CONNECT else NetworkFailure.DISCONNECTED
        return SmtpReply(phase, text=text, failure=failure)
    return SmtpReply(phase, text=text, failure=NetworkFailure.PROTOCOL)


def _dropped_while_idle(reply: SmtpReply) -> bool:
    return reply.phase in _BEFORE_DATA and (reply.failure is NetworkFailure.DISCONNECTED or reply.code == 421)
