"""A message's bytes may still be in the making when its SMTP transaction starts: awaited only once the server
has accepted the recipient and asked for the content (354)."""

import asyncio
import ssl

import pytest

from aicmo.cam.outreach.email.classify import SmtpPhase
from aicmo.cam.outreach.email.smtp_client import MailboxConnection
from tests.integration.cam.outreach.email.builders import mailbox
from tests.support.smtp_server import MAILBOX_FULL, NO_SUCH_USER, ScriptedSmtpServer, slow

BODY = b"From: sales@seller.example\r\nTo: jane@acme.io\r\nSubject: Hi\r\n\r\nHello\r\n"


async def _received(server: ScriptedSmtpServer, command: bytes) -> None:
    while not server.sessions or command not in server.sessions[-1]:
        await asyncio.sleep(0.005)


def connection(server: ScriptedSmtpServer) -> MailboxConnection:
    return MailboxConnection(mailbox(server), timeout=5.0, tls_context=ssl.create_default_context(),
                             local_hostname="client.example")


async def test_a_body_finished_while_the_envelope_is_on_the_wire_is_sent(smtp_server: ScriptedSmtpServer) -> None:
    body: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
    smtp = connection(smtp_server)
    delivery = asyncio.ensure_future(smtp.deliver("sales@seller.example", "jane@acme.io", body))
    await asyncio.wait_for(_received(smtp_server, b"DATA\r\n"), 5)  # DATA does not wait for the body
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


async def test_a_body_with_leading_dots_and_bare_line_feeds_arrives_as_built(smtp_server: ScriptedSmtpServer) -> None:
    body: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
    body.set_result(b"Subject: dots\r\n\r\n.\r\n..two\n.three\r\nlast line without an end")
    smtp = connection(smtp_server)
    reply = await smtp.deliver("sales@seller.example", "jane@acme.io", body)
    await smtp.aclose()

    assert reply.code == 250
    [received] = smtp_server.envelopes
    assert received.content.split(b"\r\n\r\n", 1)[1].splitlines() == [
        b".", b"..two", b".three", b"last line without an end"]


async def test_a_refusal_at_the_end_of_data_is_the_reply_when_the_body_came_late(
        smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["jane@acme.io"] = MAILBOX_FULL
    body: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().call_later(0.05, body.set_result, BODY)
    smtp = connection(smtp_server)
    reply = await smtp.deliver("sales@seller.example", "jane@acme.io", body)
    assert (reply.phase, reply.code) == (SmtpPhase.DATA, 552)

    assert (await smtp.deliver("sales@seller.example", "joe@acme.io", BODY)).code == 250  # the session goes on
    await smtp.aclose()
    assert smtp_server.connections == 1


async def test_recipient_sent_resolves_once_rcpt_is_on_the_wire_before_its_answer(
        smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["jane@acme.io"] = slow(1.0)
    recipient_sent: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    smtp = connection(smtp_server)
    delivery = asyncio.ensure_future(smtp.deliver("sales@seller.example", "jane@acme.io", BODY,
                                                  recipient_sent=recipient_sent))
    await asyncio.wait_for(recipient_sent, 0.5)  # well before the server answers RCPT
    await asyncio.wait_for(_received(smtp_server, b"RCPT TO"), 5)
    assert not delivery.done()  # the answer to RCPT is still to come
    assert (await delivery).code == 250
    await smtp.aclose()


async def test_recipient_sent_stays_unresolved_when_the_sender_is_refused(smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.mail_replies.append("553 5.7.1 Sender address rejected")
    recipient_sent: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    smtp = connection(smtp_server)
    reply = await smtp.deliver("sales@seller.example", "jane@acme.io", BODY, recipient_sent=recipient_sent)
    await smtp.aclose()
    assert (reply.phase, reply.code) == (SmtpPhase.MAIL, 553)
    assert not recipient_sent.done()
