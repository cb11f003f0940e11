"""What arrives at a real SMTP server when the email channel sends: headers, parts, signature, unsubscribe."""

import email
import email.policy
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage, MIMEPart

from aicmo.cam.outreach.domain import Channel, SendStatus
from aicmo.cam.outreach.unsubscribe import verify_token
from tests.integration.cam.outreach.email.builders import SETTINGS, lead, mailbox, message, service
from tests.support.smtp_server import ScriptedSmtpServer


def parsed(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def content(part: MIMEPart | None) -> str:
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


async def test_an_accepted_email_is_sent_and_its_message_id_is_the_provider_id(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server))
    result = await channel.send(message(), lead())
    await channel.aclose()

    assert (result.status, result.channel, result.error_kind, result.event) == (SendStatus.SENT, Channel.EMAIL,
                                                                                None, None)
    assert (result.mailbox, result.target, result.target_domain, result.response_code) == ("sales", "jane@acme.io",
                                                                                           "acme.io", 250)
    assert "queued" in result.detail and result.duration_ms > 0
    [received] = smtp_server.envelopes
    assert (received.mail_from, received.rcpt_tos) == ("sales@seller.example", ["jane@acme.io"])
    assert parsed(received.content)["Message-ID"] == result.provider_message_id
    assert re.fullmatch(r"<[0-9a-f-]{36}@seller\.example>", result.provider_message_id or "")


async def test_unicode_display_names_and_subject_are_encoded_and_decode_back(smtp_server: ScriptedSmtpServer) -> None:
    sender = mailbox(smtp_server, from_name="Jöhn Sëller, Ph.D.", reply_to="replies@seller.example")
    channel = service(sender)
    await channel.send(message(subject="Quick question about Acme’s hiring — 5 minutes?"),
                       lead(first_name="Zoë", last_name="Ørsted"))
    await channel.aclose()

    raw = smtp_server.envelopes[0].content
    assert raw.isascii() and b"=?utf-8?" in raw
    headers = raw.split(b"\r\n\r\n")[0]
    assert all(len(line) <= 998 for line in headers.split(b"\r\n"))
    received = parsed(raw)
    assert received["Subject"] == "Quick question about Acme’s hiring — 5 minutes?"
    assert received["From"].addresses[0].display_name == "Jöhn Sëller, Ph.D."
    assert received["From"].addresses[0].addr_spec == "sales@seller.example"
    assert received["To"].addresses[0].display_name == "Zoë Ørsted"
    assert received["Reply-To"].addresses[0].addr_spec == "replies@seller.example"
    sent_at = received["Date"].datetime
    assert sent_at.tzinfo is not None and abs(datetime.now(UTC) - sent_at) < timedelta(minutes=1)
    assert received["MIME-Version"] == "1.0"


async def test_text_and_html_go_as_alternatives_each_with_the_mailbox_signature(
        smtp_server: ScriptedSmtpServer) -> None:
    sender = mailbox(smtp_server, signature_text="John Seller\nCEO, Seller Inc.",
                     signature_html="<p>John Seller<br>CEO, <b>Seller Inc.</b></p>")
    channel = service(sender)
    await channel.send(message(body="Hi Zoë,\n\nShall we talk?", html_body="<html><body><p>Hi Zoë,</p></body></html>"),
                       lead())
    await channel.aclose()

    received = parsed(smtp_server.envelopes[0].content)
    assert received.get_content_type() == "multipart/alternative"
    html = content(received.get_body(("html",)))
    plain = content(received.get_body(("plain",)))
    assert plain.startswith("Hi Zoë,\n\nShall we talk?\n\nJohn Seller\nCEO, Seller Inc.\n\nTo stop receiving these "
                            "emails: https://app.example.com/u/")
    assert html.startswith('<html><body><p>Hi Zoë,</p><div class="signature"><p>John Seller<br>')
    assert '</div>\n<p class="unsubscribe"' in html and html.rstrip().endswith("</p>\n</body></html>")
    unsubscribe = plain.rpartition(": ")[2].strip()
    assert f'<a href="{unsubscribe}">unsubscribe</a>' in html  # the same link in both parts


async def test_a_text_only_message_is_a_single_text_part(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server, signature_text="John"))
    await channel.send(message(body="Hello"), lead())
    await channel.aclose()

    received = parsed(smtp_server.envelopes[0].content)
    assert received.get_content_type() == "text/plain"
    assert content(received) == "Hello\n\nJohn\n"


async def test_the_text_signature_stands_in_for_a_missing_html_signature(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server, signature_text="John <CEO>\nSeller & Co"))
    await channel.send(message(html_body="<p>Hi</p>"), lead())
    await channel.aclose()

    html = content(parsed(smtp_server.envelopes[0].content).get_body(("html",)))
    assert '<div class="signature">John &lt;CEO&gt;<br>\nSeller &amp; Co</div>' in html


async def test_list_unsubscribe_offers_a_signed_one_click_url_and_a_mailto(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server))
    sent = message()
    await channel.send(sent, lead(id=42))
    await channel.aclose()

    received = parsed(smtp_server.envelopes[0].content)
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url, mailto = re.fullmatch(r"<([^>]+)>,\s*<([^>]+)>", str(received["List-Unsubscribe"])).groups()  # type: ignore[union-attr]
    assert url.startswith("https://app.example.com/u/")
    assert verify_token(url.removeprefix("https://app.example.com/u/"), SETTINGS.secret_key) == (sent.id, 42)
    assert mailto == "mailto:sales@seller.example?subject=unsubscribe"
    raw_header = re.search(rb"List-Unsubscribe: (.*?)\r\n(?! )", smtp_server.envelopes[0].content, re.DOTALL)
    assert raw_header is not None and b"=?" not in raw_header.group(1)  # long URLs are folded, never encoded


async def test_dots_at_line_starts_and_long_lines_arrive_intact(smtp_server: ScriptedSmtpServer) -> None:
    body = ".\n.. leading dots\n" + "word " * 400
    channel = service(mailbox(smtp_server))
    await channel.send(message(body=body), lead())
    await channel.aclose()

    raw = smtp_server.envelopes[0].content
    assert all(len(line) <= 78 for line in raw.split(b"\r\n\r\n", 1)[1].split(b"\r\n"))
    assert content(parsed(raw)) == body.rstrip() + "\n"


async def test_international_domains_go_out_in_ascii(smtp_server: ScriptedSmtpServer) -> None:
    channel = service(mailbox(smtp_server, from_address="sales@bücher.example"))
    result = await channel.send(message(), lead(email="jane@münchen.example"))
    await channel.aclose()

    assert result.status is SendStatus.SENT
    [received] = smtp_server.envelopes
    assert (received.mail_from, received.rcpt_tos) == ("sales@xn--bcher-kva.example", ["jane@xn--mnchen-3ya.example"])
    assert (result.provider_message_id or "").endswith("@xn--bcher-kva.example>")
