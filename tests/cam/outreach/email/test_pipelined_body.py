"""A message's bytes may still be in the making when its SMTP transaction starts: awaited only after RCPT."""

import asyncio
import ssl

import pytest

from aicmo.cam.outreach.email.classify import SmtpPhase
from aicmo.cam.outreach.email.smtp_client import MailboxConnection
from tests.cam.outreach.email.builders import mailbox
from tests.support.smtp_server import NO_SUCH_USER, ScriptedSmtpServer

BODY = b"From: sales@seller.example\r\nTo: jane@acme.io\r\nSubject: Hi\r\n\r\nHello\r\n"


async def _rcpt_sent(server: ScriptedSmtpServer) -> None:
    while not server.sessions or b"RCPT TO" not in server.sessions[-1]:
        await asyncio.sleep(0.005)


def connection(server: ScriptedSmtpServer) -> MailboxConnection:
    return MailboxConnection(mailbox(server), timeout=5.0, tls_context=ssl.create_default_context(),
                             local_hostname="client.example")


async def test_a_body_finished_while_the_envelope_is_on_the_wire_is_sent(smtp_server: ScriptedSmtpServer) -> None:
    body: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
    smtp = connection(smtp_server)
    delivery = asyncio.ensure_future(smtp.deliver("sales@seller.example", "jane@acme.io", body))
    await asyncio.wait_for(_rcpt_sent(smtp_server), 5)
    await asyncio.sleep(0.05)
    assert not delivery.done() and smtp_server.envelopes == []  # waiting for the body, not for the server
    body.set_result(BODY)
    reply = await delivery
    await smtp.aclose()

    assert (reply.phase, reply.code) == (SmtpPhase.DATA, 250)
    [received] = smtp_server.envelopes
    assert received.content.replace(b"\r\n", b"\n") == BODY.replace(b"\r\n", b"\n")


async def test_a_refused_recipient_ends_the_transaction_without_waiting_for_the_body(
        smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["jane@acme.io"] = NO_SUCH_USER
    body: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()  # never finished
    smtp = connection(smtp_server)
    reply = await asyncio.wait_for(smtp.deliver("sales@seller.example", "jane@acme.io", body), 5)
    await smtp.aclose()

    assert (reply.phase, reply.code) == (SmtpPhase.RCPT, 550)
    assert smtp_server.envelopes == []


async def test_a_body_that_cannot_be_built_raises_and_sends_nothing(smtp_server: ScriptedSmtpServer) -> None:
    body: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
    body.set_exception(RuntimeError("template engine broke"))
    smtp = connection(smtp_server)
    with pytest.raises(RuntimeError, match="template engine broke"):
        await smtp.deliver("sales@seller.example", "jane@acme.io", body)
    assert not smtp.is_open  # the session held an open envelope: dropped, not reused

    reply = await smtp.deliver("sales@seller.example", "jane@acme.io", BODY)
    await smtp.aclose()
    assert reply.code == 250
    assert [r.connection for r in smtp_server.envelopes] == [2]
