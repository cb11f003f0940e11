"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, an ephemeral port, in the test's own event loop.

What it answers is scripted per recipient (or for all), and it records what it was sent: every connection,
every byte a client wrote in each session, and every accepted envelope with the raw message.

    async with ScriptedSmtpServer(scripts={"gone@acme.io": NO_SUCH_USER}) as server:
        ...  # point a mailbox at server.host / server.port
        assert server.envelopes[0].content.startswith(b"From: ")

TLS: `tls=` offers STARTTLS with that server context, `implicit_tls=` wraps every connection in TLS from the
first byte; `tls_contexts` (a fixture) gives a trustme CA's server and client contexts. AUTH: `credentials=`
requires a login with that username and password (only after STARTTLS when `tls=` is set).
"""

import asyncio
import ssl
import warnings
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import trustme
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass(frozen=True)
class Script:
    """How the server treats one recipient. Replies are full SMTP lines such as "550 5.1.1 No such user"."""

    rcpt: str | None = None  # answer RCPT TO with this instead of 250
    data: str | None = None  # answer the end of DATA with this instead of 250
    delay: float = 0.0  # wait this long before answering RCPT (beyond a client's timeout: "slow")
    disconnect_in_data: bool = False  # take the whole message, then drop the connection without a reply
    data_delay: float = 0.0  # take the whole message, then wait this long before answering the end of DATA


ACCEPT = Script()
GREYLISTED = Script(rcpt="451 4.7.1 Greylisted, please try again later")
NO_SUCH_USER = Script(rcpt="550 5.1.1 Recipient address rejected: User unknown in virtual mailbox table")
MAILBOX_FULL = Script(data="552 5.2.2 Mailbox full")
SPAM = Script(data="554 5.7.1 Message rejected as spam")
DISCONNECT_IN_DATA = Script(disconnect_in_data=True)


def slow(seconds: float) -> Script:
    return Script(delay=seconds)


def slow_data(seconds: float) -> Script:
    """Accept the message, but answer the end of DATA only after `seconds` (a server filtering or relaying)."""
    return Script(data_delay=seconds)


@dataclass
class Received:
    """One message the server accepted (or took in full before dropping the connection)."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    connection: int  # 1 for the first connection the server saw
    tls: bool
    login: str | None


@dataclass
class ScriptedSmtpServer:
    scripts: dict[str, Script] = field(default_factory=dict)
    default: Script = ACCEPT
    tls: ssl.SSLContext | None = None
    implicit_tls: ssl.SSLContext | None = None
    credentials: tuple[str, str] | None = None
    auth_exclude: tuple[str, ...] = ()  # e.g. ("PLAIN",) to offer only LOGIN
    host: str = "127.0.0.1"
    port: int = 0
    connections: int = 0
    sessions: list[bytearray] = field(default_factory=list)  # bytes each client wrote, one entry per connection
    envelopes: list[Received] = field(default_factory=list)
    mail_replies: deque[str] = field(default_factory=deque)  # queued answers to MAIL FROM, one used per MAIL
    # Late answers to DATA: the recipient, the loop's time, and every recipient accepted by then.
    answered: list[tuple[str, float, tuple[str, ...]]] = field(default_factory=list)
    _server: asyncio.AbstractServer | None = None
    _live: list[SMTP] = field(default_factory=list)

    async def __aenter__(self) -> "ScriptedSmtpServer":
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._factory, self.host, 0, ssl=self.implicit_tls)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.drop_connections()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    def script_for(self, recipient: str) -> Script:
        return self.scripts.get(recipient.lower(), self.default)

    def drop_connections(self) -> None:
        """Close every open session from the server's side, as a server does with idle clients."""
        for protocol in self._live:
            if protocol.transport is not None:
                protocol.transport.close()
        self._live.clear()

    def _factory(self) -> SMTP:
        self.connections += 1
        recorded = bytearray()
        self.sessions.append(recorded)
        options: dict[str, Any] = {"hostname": "scripted.test", "tls_context": self.tls, "timeout": 30}
        if self.credentials is not None:
            options.update(auth_required=True, auth_require_tls=self.tls is not None,
                           authenticator=self._authenticate, auth_exclude_mechanism=self.auth_exclude)
        with warnings.catch_warnings():  # AUTH without TLS is what some tests are about
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning)
            protocol = _RecordingSMTP(_Handler(self, self.connections), recorded, **options)
        self._live.append(protocol)
        return protocol

    def _authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                      auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and self.credentials is not None
              and (auth_data.login.decode(), auth_data.password.decode()) == self.credentials)
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login.decode() if ok else None)


class _RecordingSMTP(SMTP):
    def __init__(self, handler: "_Handler", recorded: bytearray, **options: Any) -> None:
        super().__init__(handler, **options)
        self._recorded = recorded

    def data_received(self, data: bytes) -> None:
        self._recorded.extend(data)
        super().data_received(data)


class _Handler:
    def __init__(self, owner: ScriptedSmtpServer, connection: int) -> None:
        self.owner, self.connection = owner, connection

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        if self.owner.mail_replies:
            reply = self.owner.mail_replies.popleft()
            if reply.startswith("421") and server.transport is not None:  # going away: say so, then close
                asyncio.get_running_loop().call_soon(server.transport.close)
            return reply
        envelope.mail_from, envelope.mail_options = address, list(options)
        return "250 OK"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        script = self.owner.script_for(address)
        if script.delay:
            await asyncio.sleep(script.delay)
        if script.rcpt:
            return script.rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        script = self.owner.script_for(envelope.rcpt_tos[0])
        tls = server.transport is not None and server.transport.get_extra_info("ssl_object") is not None
        login = session.auth_data if isinstance(session.auth_data, str) else None
        if script.data is None:
            self.owner.envelopes.append(Received(envelope.mail_from or "", list(envelope.rcpt_tos),
                                                 bytes(envelope.original_content or b""), self.connection, tls,
                                                 login))
        if script.data_delay:
            await asyncio.sleep(script.data_delay)
            accepted = tuple(received.rcpt_tos[0] for received in self.owner.envelopes)
            self.owner.answered.append((envelope.rcpt_tos[0], asyncio.get_running_loop().time(), accepted))
        if script.disconnect_in_data and server.transport is not None:
            server.transport.close()
            await asyncio.Future()  # never answered; connection_lost cancels this
        return script.data or "250 2.0.0 Ok: queued"


@pytest.fixture(scope="session")
def tls_contexts() -> Iterator[tuple[ssl.SSLContext, ssl.SSLContext]]:
    """(server, client) SSL contexts: a certificate for 127.0.0.1 from a trustme CA the client trusts."""
    authority = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(server)
    client = ssl.create_default_context()
    authority.configure_trust(client)
    yield server, client


@pytest.fixture
async def smtp_server() -> AsyncIterator[ScriptedSmtpServer]:
    """A plain (no TLS, no AUTH) scripted server accepting everything until a test scripts otherwise."""
    async with ScriptedSmtpServer() as server:
        yield server
