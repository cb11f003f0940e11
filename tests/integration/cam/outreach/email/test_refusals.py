"""How refusals, failures and unsafe input from a real SMTP server end: classified, never raised, never resent."""

import time

import pytest

from aicmo.cam.leads.enums import EmailStatus
from aicmo.cam.outreach.domain import ErrorKind, EventKind, SendStatus
from tests.integration.cam.outreach.email.builders import lead, mailbox, message, service
from tests.support.smtp_server import (
    DISCONNECT_IN_DATA,
    GREYLISTED,
    MAILBOX_FULL,
    NO_SUCH_USER,
    SPAM,
    Script,
    ScriptedSmtpServer,
    slow,
)

FAILED, TRANSIENT, CHANNEL_FAILED = SendStatus.FAILED, ErrorKind.TRANSIENT, ErrorKind.CHANNEL_FAILED


@pytest.mark.parametrize(("script", "code", "kind", "event"), [
    (GREYLISTED, 451, TRANSIENT, None),
    (NO_SUCH_USER, 550, CHANNEL_FAILED, EventKind.HARD_BOUNCE),
    (MAILBOX_FULL, 552, TRANSIENT, EventKind.SOFT_BOUNCE),
    (SPAM, 554, ErrorKind.MAILBOX_REFUSED, EventKind.POLICY_REJECTION),
    (Script(rcpt="452 4.2.2 Over quota"), 452, TRANSIENT, EventKind.SOFT_BOUNCE),
    (Script(data="550 5.7.26 Unauthenticated email is not accepted (DMARC)"), 550, ErrorKind.MAILBOX_REFUSED,
     EventKind.POLICY_REJECTION),
])
async def test_a_refusal_is_classified_from_the_servers_reply(smtp_server: ScriptedSmtpServer, script: Script,
                                                              code: int, kind: ErrorKind,
                                                              event: EventKind | None) -> None:
    smtp_server.scripts["jane@acme.io"] = script
    channel = service(mailbox(smtp_server))
    result = await channel.send(message(), lead())
    await channel.aclose()

    assert (result.status, result.error_kind, result.event, result.response_code) == (FAILED, kind, event, code)
    assert (script.rcpt or script.data or "").split(" ", 2)[2] in result.detail
    assert result.mailbox == "sales" and result.target == "jane@acme.io"
    assert smtp_server.envelopes == []


async def test_the_recipient_refused_at_rcpt_does_not_spoil_the_connection_for_the_next(
        smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["gone@acme.io"] = NO_SUCH_USER
    channel = service(mailbox(smtp_server))
    refused = await channel.send(message(), lead(email="gone@acme.io"))
    accepted = await channel.send(message(), lead())
    await channel.aclose()

    assert (refused.event, accepted.status) == (EventKind.HARD_BOUNCE, SendStatus.SENT)
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["jane@acme.io"]]
    assert smtp_server.connections == 1
    assert b"RSET\r\n" in smtp_server.sessions[0]


async def test_a_connection_lost_after_the_whole_message_is_in_doubt_and_not_sent_again(
        smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["jane@acme.io"] = DISCONNECT_IN_DATA
    channel = service(mailbox(smtp_server))
    result = await channel.send(message(), lead())
    after = await channel.send(message(), lead(email="john@acme.io"))
    await channel.aclose()

    assert (result.status, result.error_kind, result.event) == (FAILED, ErrorKind.IN_DOUBT, None)
    assert "DATA" in result.detail and "may have accepted" in result.detail
    assert result.provider_message_id is not None  # kept, so a later bounce or reply can still be matched
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["jane@acme.io"], ["john@acme.io"]]  # exactly once
    assert sum(session.count(b"DATA\r\n") for session in smtp_server.sessions) == 2
    assert after.status is SendStatus.SENT and smtp_server.connections == 2


async def test_a_server_slower_than_the_timeout_gives_a_transient_failure_in_time(
        smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["jane@acme.io"] = slow(5.0)
    channel = service(mailbox(smtp_server), timeout=0.3)
    started = time.monotonic()
    result = await channel.send(message(), lead())
    elapsed = time.monotonic() - started
    after = await channel.send(message(), lead(email="john@acme.io"))
    await channel.aclose()

    assert (result.status, result.error_kind) == (FAILED, TRANSIENT)
    assert "timed out at RCPT" in result.detail
    assert 0.25 < elapsed < 2.0
    assert after.status is SendStatus.SENT and smtp_server.connections == 2  # the desynced session was dropped


async def test_an_unreachable_server_is_transient(smtp_server: ScriptedSmtpServer) -> None:
    port = smtp_server.port
    await smtp_server.__aexit__()
    channel = service(mailbox(smtp_server, smtp_port=port))
    result = await channel.send(message(), lead())
    await channel.aclose()

    assert (result.status, result.error_kind) == (FAILED, TRANSIENT)
    assert "could not connect at CONNECT" in result.detail


@pytest.mark.parametrize(("header", "change"), [
    ("Subject", {"message": {"subject": "Hello\r\nBcc: victim@example.com"}}),
    ("Subject", {"message": {"subject": "Hello\nX-Injected: yes"}}),
    ("To", {"lead": {"last_name": "Doe\r\nBcc: victim@example.com"}}),
    ("To", {"lead": {"email": "jane@acme.io\r\nRCPT TO:<victim@example.com>"}}),
    ("From", {"mailbox": {"from_name": "John\rSeller"}}),
    ("From", {"mailbox": {"from_address": "sales@seller.example\n"}}),
    ("Reply-To", {"mailbox": {"reply_to": "replies@seller.example\r\nBcc: x@y.z"}}),
])
async def test_cr_or_lf_in_a_header_value_is_refused_and_nothing_reaches_the_server(
        smtp_server: ScriptedSmtpServer, header: str, change: dict[str, dict[str, str]]) -> None:
    channel = service(mailbox(smtp_server, **change.get("mailbox", {})))
    result = await channel.send(message(**change.get("message", {})), lead(**change.get("lead", {})))
    await channel.aclose()

    assert (result.status, result.error_kind) == (FAILED, CHANNEL_FAILED)
    assert f"CR or LF in the {header} header" in result.detail
    assert smtp_server.connections == 0 and smtp_server.envelopes == []


@pytest.mark.parametrize(("email", "reason"), [(None, "no email address"), ("", "no email address")])
async def test_a_lead_without_an_email_is_not_reachable(smtp_server: ScriptedSmtpServer, email: str | None,
                                                        reason: str) -> None:
    channel = service(mailbox(smtp_server))
    assert reason in (channel.can_reach(lead(email=email)) or "")
    result = await channel.send(message(), lead(email=email))
    assert (result.status, result.error_kind) == (FAILED, CHANNEL_FAILED) and reason in result.detail
    assert smtp_server.connections == 0


async def test_a_lead_whose_email_is_marked_invalid_is_not_reachable(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server))
    invalid = lead(email_status=EmailStatus.INVALID)
    assert "marked invalid" in (channel.can_reach(invalid) or "")
    assert channel.can_reach(lead()) is None
    result = await channel.send(message(), invalid)
    assert (result.status, result.error_kind) == (FAILED, CHANNEL_FAILED)
    assert smtp_server.connections == 0


@pytest.mark.parametrize("address", ["jane doe@acme.io", "jöhn@acme.io", "<jane@acme.io>", "no-at-sign"])
async def test_an_address_smtp_cannot_carry_fails_the_channel_before_connecting(smtp_server: ScriptedSmtpServer,
                                                                               address: str) -> None:
    channel = service(mailbox(smtp_server))
    result = await channel.send(message(), lead(email=address))
    assert (result.status, result.error_kind) == (FAILED, CHANNEL_FAILED)
    assert "cannot address the message" in result.detail
    assert smtp_server.connections == 0
