"""Sender mailboxes and their SMTP sessions: chosen by name or in turn, each session reused across messages."""

import asyncio
import email
import email.policy
from datetime import UTC, datetime

from aicmo.cam.outreach.domain import ErrorKind, SendStatus
from tests.cam.outreach.email.builders import lead, mailbox, message, service
from tests.support.smtp_server import ScriptedSmtpServer


def from_header(raw: bytes) -> str:
    return str(email.message_from_bytes(raw, policy=email.policy.default)["From"])


async def test_two_messages_from_one_mailbox_share_one_smtp_connection(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server))
    first = await channel.send(message(), lead())
    second = await channel.send(message(), lead(email="john@acme.io"))
    await channel.aclose()

    assert (first.status, second.status) == (SendStatus.SENT, SendStatus.SENT)
    assert smtp_server.connections == 1
    assert [e.connection for e in smtp_server.envelopes] == [1, 1]
    assert smtp_server.sessions[0].count(b"EHLO ") == 1 and smtp_server.sessions[0].endswith(b"QUIT\r\n")


async def test_concurrent_sends_from_one_mailbox_take_turns_on_its_connection(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server))
    results = await asyncio.gather(*(channel.send(message(), lead(email=f"lead{i}@acme.io")) for i in range(10)))
    await channel.aclose()

    assert all(result.status is SendStatus.SENT for result in results)
    assert smtp_server.connections == 1
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == sorted(f"lead{i}@acme.io" for i in range(10))


async def test_a_connection_the_server_closed_while_idle_is_reopened(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server))
    await channel.send(message(), lead())
    smtp_server.drop_connections()
    await asyncio.sleep(0.05)
    result = await channel.send(message(), lead(email="john@acme.io"))
    await channel.aclose()

    assert result.status is SendStatus.SENT
    assert smtp_server.connections == 2 and len(smtp_server.envelopes) == 2


async def test_a_reused_connection_refused_before_data_is_retried_once_on_a_new_one(
        smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server))
    await channel.send(message(), lead())
    smtp_server.mail_replies.append("421 4.4.2 Idle timeout, closing connection")
    result = await channel.send(message(), lead(email="john@acme.io"))
    await channel.aclose()

    assert result.status is SendStatus.SENT
    assert [(e.rcpt_tos, e.connection) for e in smtp_server.envelopes] == [(["jane@acme.io"], 1),
                                                                            (["john@acme.io"], 2)]


async def test_a_fresh_connection_refused_at_mail_is_not_retried(smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.mail_replies.extend(["421 4.3.2 Try again later", "421 4.3.2 Try again later"])
    channel = service(mailbox(smtp_server))
    result = await channel.send(message(), lead())
    await channel.aclose()

    assert (result.status, result.error_kind, result.response_code) == (SendStatus.FAILED, ErrorKind.TRANSIENT, 421)
    assert smtp_server.connections == 1 and len(smtp_server.mail_replies) == 1


async def test_each_mailbox_sends_with_its_own_from_over_its_own_connection(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server, "alice", from_name="Alice Ång"),
                      mailbox(smtp_server, "bob", from_name="Bob Builder"))
    results = [await channel.send(message(mailbox=name), lead(email=f"{name}-lead@acme.io"))
               for name in ("alice", "bob", "alice")]
    await channel.aclose()

    assert [r.mailbox for r in results] == ["alice", "bob", "alice"]
    assert [e.mail_from for e in smtp_server.envelopes] == ["alice@seller.example", "bob@seller.example",
                                                            "alice@seller.example"]
    assert [from_header(e.content) for e in smtp_server.envelopes] == [
        "Alice Ång <alice@seller.example>", "Bob Builder <bob@seller.example>", "Alice Ång <alice@seller.example>"]
    assert smtp_server.connections == 2
    assert [e.connection for e in smtp_server.envelopes] == [1, 2, 1]


async def test_without_a_named_mailbox_the_enabled_unpaused_ones_take_turns(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server, "a"), mailbox(smtp_server, "off", enabled=False),
                      mailbox(smtp_server, "b"), mailbox(smtp_server, "paused", paused_at=datetime.now(UTC)))
    results = [await channel.send(message(), lead()) for _ in range(4)]
    await channel.aclose()

    assert [r.mailbox for r in results] == ["a", "b", "a", "b"]
    assert {e.mail_from for e in smtp_server.envelopes} == {"a@seller.example", "b@seller.example"}


async def test_a_named_mailbox_that_is_unknown_or_paused_fails_transiently(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server, "paused", paused_at=datetime.now(UTC)))
    unknown = await channel.send(message(mailbox="nobody"), lead())
    paused = await channel.send(message(mailbox="paused"), lead())
    unnamed = await channel.send(message(), lead())

    assert all((r.status, r.error_kind) == (SendStatus.FAILED, ErrorKind.TRANSIENT)
               for r in (unknown, paused, unnamed))
    assert "no mailbox named 'nobody'" in unknown.detail
    assert "'paused' is disabled or paused" in paused.detail
    assert "no enabled, unpaused mailbox" in unnamed.detail
    assert smtp_server.connections == 0


async def test_the_daily_cap_is_exposed_for_the_rate_limiter(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server, "a", daily_cap=30), mailbox(smtp_server, "b"))
    assert {m.name: m.daily_cap for m in channel.mailboxes} == {"a": 30, "b": 50}


async def test_mailbox_passwords_and_keys_stay_out_of_reprs(smtp_server: ScriptedSmtpServer) -> None:
    shown = repr(mailbox(smtp_server, smtp_username="u", smtp_password="hunter2"))
    assert "hunter2" not in shown and "'u'" in shown
