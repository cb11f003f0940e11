"""STARTTLS, implicit TLS and AUTH against a real server with a trustme certificate."""

import ssl

import pytest

from aicmo.cam.outreach.domain import ErrorKind, SendStatus, SmtpSecurity
from tests.integration.cam.outreach.email.builders import lead, mailbox, message, service
from tests.support.smtp_server import ScriptedSmtpServer

Contexts = tuple[ssl.SSLContext, ssl.SSLContext]


async def test_starttls_upgrades_the_session_before_the_message_goes(tls_contexts: Contexts) -> None:
    server_context, client_context = tls_contexts
    async with ScriptedSmtpServer(tls=server_context) as server:
        channel = service(mailbox(server, smtp_security=SmtpSecurity.STARTTLS), tls_context=client_context)
        results = [await channel.send(message(), lead()) for _ in range(2)]
        await channel.aclose()

    assert [r.status for r in results] == [SendStatus.SENT, SendStatus.SENT]
    assert [e.tls for e in server.envelopes] == [True, True] and server.connections == 1
    plaintext_before_tls = bytes(server.sessions[0]).split(b"STARTTLS\r\n")[0]
    assert b"MAIL FROM" not in plaintext_before_tls


async def test_implicit_tls_encrypts_from_the_first_byte(tls_contexts: Contexts) -> None:
    server_context, client_context = tls_contexts
    async with ScriptedSmtpServer(implicit_tls=server_context) as server:
        channel = service(mailbox(server, smtp_security=SmtpSecurity.TLS), tls_context=client_context)
        result = await channel.send(message(), lead())
        await channel.aclose()

    assert result.status is SendStatus.SENT
    assert server.envelopes[0].tls and b"STARTTLS" not in server.sessions[0]


async def test_a_certificate_the_client_does_not_trust_is_refused(tls_contexts: Contexts) -> None:
    server_context, _ = tls_contexts
    async with ScriptedSmtpServer(implicit_tls=server_context) as server:
        channel = service(mailbox(server, smtp_security=SmtpSecurity.TLS), tls_context=ssl.create_default_context())
        result = await channel.send(message(), lead())
        await channel.aclose()

    assert (result.status, result.error_kind) == (SendStatus.FAILED, ErrorKind.TRANSIENT)
    assert "CERTIFICATE_VERIFY_FAILED" in result.detail and server.envelopes == []


async def test_a_starttls_mailbox_refuses_a_server_that_does_not_offer_it(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server, smtp_security=SmtpSecurity.STARTTLS))
    result = await channel.send(message(), lead())
    await channel.aclose()

    assert (result.status, result.error_kind) == (SendStatus.FAILED, ErrorKind.TRANSIENT)
    assert "STARTTLS" in result.detail and smtp_server.envelopes == []


@pytest.mark.parametrize("offered", ["PLAIN and LOGIN", "LOGIN only"])
async def test_a_mailbox_logs_in_with_its_credentials(offered: str) -> None:
    exclude = ("PLAIN",) if offered == "LOGIN only" else ()
    async with ScriptedSmtpServer(credentials=("sales@seller.example", "s3cret"), auth_exclude=exclude) as server:
        channel = service(mailbox(server, smtp_username="sales@seller.example", smtp_password="s3cret"))
        result = await channel.send(message(), lead())
        await channel.aclose()

    assert result.status is SendStatus.SENT
    assert server.envelopes[0].login == "sales@seller.example"
    assert (b"AUTH PLAIN" in server.sessions[0]) is (offered == "PLAIN and LOGIN")


async def test_a_wrong_password_is_transient_and_blames_the_mailbox_credentials() -> None:
    async with ScriptedSmtpServer(credentials=("sales@seller.example", "s3cret")) as server:
        channel = service(mailbox(server, smtp_username="sales@seller.example", smtp_password="wrong"))
        result = await channel.send(message(), lead())
        await channel.aclose()

    assert (result.status, result.error_kind, result.event) == (SendStatus.FAILED, ErrorKind.TRANSIENT, None)
    assert result.response_code == 535
    assert "mailbox 'sales'" in result.detail and "username and password" in result.detail
    assert "wrong" not in result.detail and server.envelopes == []


async def test_a_server_requiring_auth_from_a_mailbox_without_credentials_is_transient() -> None:
    async with ScriptedSmtpServer(credentials=("sales@seller.example", "s3cret")) as server:
        channel = service(mailbox(server))
        result = await channel.send(message(), lead())
        await channel.aclose()

    assert (result.status, result.error_kind, result.response_code) == (SendStatus.FAILED, ErrorKind.TRANSIENT, 530)
    assert "username and password" in result.detail and server.envelopes == []


async def test_auth_over_starttls_sends_the_password_only_inside_tls(tls_contexts: Contexts) -> None:
    server_context, client_context = tls_contexts
    async with ScriptedSmtpServer(tls=server_context, credentials=("sales", "s3cret")) as server:
        channel = service(mailbox(server, smtp_security=SmtpSecurity.STARTTLS, smtp_username="sales",
                                  smtp_password="s3cret"), tls_context=client_context)
        result = await channel.send(message(), lead())
        await channel.aclose()

    assert result.status is SendStatus.SENT and server.envelopes[0].login == "sales"
    before_tls = bytes(server.sessions[0]).split(b"STARTTLS\r\n")[0]
    assert b"AUTH" not in before_tls
