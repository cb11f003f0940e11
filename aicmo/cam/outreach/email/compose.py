"""Build the RFC 5322 message for one lead from one mailbox: headers, text and HTML alternative, signature.

The message is written straight to its wire form. Every header is rendered once by `headers`, and every part is
text in an encoding chosen here, so nothing needs the stdlib's general MIME generator: serialising through it
and parsing the result again for DKIM cost more than the rest of a send's own work (profiled). The parts come
back apart (header fields, body) so the signer reads them as they are.
"""

import binascii
import html
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import cached_property, lru_cache

from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.domain import OutreachMessage
from aicmo.cam.outreach.email.headers import WireHeader, address, check_header, unstructured, url_list
from aicmo.cam.outreach.email.mailbox import Mailbox, smtp_address

_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
_LINE_BREAKS = re.compile(r"\r\n?")
_ANY_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SHORT_LINES = 78
CRLF = "\r\n"

# A header field as DKIM reads it: the name, and what follows the colon up to and including its last CRLF.
HeaderField = tuple[bytes, bytes]


@dataclass(frozen=True)
class Envelope:
    message_id: str  # the Message-ID header value, angle brackets included
    sender: str  # envelope MAIL FROM
    recipient: str  # envelope RCPT TO


@dataclass(frozen=True)
class Part:
    """A MIME entity on the wire: its header fields and its body (CRLF line ends)."""

    headers: tuple[WireHeader, ...]
    body: bytes

    @cached_property
    def fields(self) -> list[HeaderField]:
        return [header_field(header) for header in self.headers]

    def to_bytes(self) -> bytes:
        return b"".join(name + b":" + value for name, value in self.fields) + b"\r\n" + self.body


@dataclass(frozen=True)
class ComposedEmail:
    content: Part
    envelope: Envelope


def header_field(header: WireHeader) -> HeaderField:
    return header.name.encode("ascii"), f" {header.wire.replace(chr(10), CRLF)}{CRLF}".encode()


def envelope(mailbox: Mailbox, message: OutreachMessage, lead: LeadRead, *, unsubscribe_url: str) -> Envelope:
    """Everything that can refuse a message before it is built: HeaderInjection, or ValueError for an address
    SMTP cannot carry. Cheap, so a sender can check it before opening a transaction and build the body after."""
    check_header("From", mailbox.from_name, mailbox.from_address)
    check_header("Reply-To", mailbox.reply_to)
    check_header("To", lead.first_name, lead.last_name, lead.email)
    check_header("Subject", message.subject)
    check_header("List-Unsubscribe", unsubscribe_url)
    if not lead.email:
        raise ValueError("the lead has no email address")
    # Derived from the stored message id: a re-send of the same message carries the same Message-ID, which
    # receivers use to drop duplicates, and replies can be matched back to the message.
    return Envelope(f"<{message.id}@{mailbox.sender_domain}>", smtp_address(mailbox.from_address),
                    smtp_address(lead.email))


def compose(mailbox: Mailbox, message: OutreachMessage, lead: LeadRead, *, unsubscribe_url: str,
            now: datetime | None = None, checked: Envelope | None = None) -> ComposedEmail:
    """The message to send; raises as `envelope` does unless given the envelope it already returned."""
    checked = checked or envelope(mailbox, message, lead, unsubscribe_url=unsubscribe_url)
    sender = checked.sender
    headers = [_sender("From", mailbox.from_name, sender), address("To", lead.full_name, checked.recipient)]
    if mailbox.reply_to:
        headers.append(_sender("Reply-To", None, smtp_address(mailbox.reply_to)))
    if message.subject is not None:
        headers.append(unstructured("Subject", message.subject))
    if message.thread:
        # A follow-up answers the previous email and names the whole conversation (RFC 5322 §3.6.4), so mail
        # clients show the sequence as one thread.
        headers += [WireHeader("In-Reply-To", message.thread[-1]),
                    WireHeader("References", " ".join(message.thread), "\n ".join(message.thread))]
    headers += [
        WireHeader("Date", format_datetime(now or datetime.now(UTC))),
        WireHeader("Message-ID", checked.message_id),
        url_list("List-Unsubscribe", [unsubscribe_url, f"mailto:{sender}?subject=unsubscribe"]),
        WireHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        WireHeader("MIME-Version", "1.0"),
    ]
    if message.html_body is None:
        text = text_part(text_body(message.body, mailbox.signature_text), "plain")
        return ComposedEmail(Part((*headers, *text.headers), text.body), checked)
    # With two parts, both carry the unsubscribe link: a reader sees one or the other, never both.
    text = text_part(text_body(message.body, mailbox.signature_text) + text_unsubscribe(unsubscribe_url), "plain")
    html_text = html_body(message.html_body, mailbox.signature_html, mailbox.signature_text,
                          footer=html_unsubscribe(unsubscribe_url))
    boundary = f"=_aicmo_{uuid.uuid4().hex}"  # random: cannot occur in the parts
    headers.append(WireHeader("Content-Type", f'multipart/alternative; boundary="{boundary}"',
                              f'multipart/alternative;\n boundary="{boundary}"'))
    return ComposedEmail(Part(tuple(headers), alternative(boundary, [text, text_part(html_text, "html")])),
                         checked)


# The same few mailboxes send every message: render their headers once.
_sender = lru_cache(maxsize=256)(address)


def alternative(boundary: str, parts: list[Part]) -> bytes:
    """A multipart body (RFC 2046): each part after a delimiter line, the CRLF before a delimiter its own."""
    delimiter = f"--{boundary}\r\n".encode("ascii")
    inner = b"\r\n" + delimiter
    return delimiter + inner.join(part.to_bytes() for part in parts) + f"\r\n--{boundary}--\r\n".encode("ascii")


def text_part(text: str, subtype: str) -> Part:
    """A UTF-8 text part: 7bit when it is short-lined ASCII, quoted-printable otherwise."""
    content_type = WireHeader("Content-Type", f'text/{subtype}; charset="utf-8"')
    if text.isascii() and all(len(line) <= _SHORT_LINES for line in text.split("\n")):
        encoding, body = "7bit", text
    else:
        encoding, body = "quoted-printable", binascii.b2a_qp(text.encode("utf-8"), istext=True).decode("ascii")
    return Part((content_type, WireHeader("Content-Transfer-Encoding", encoding)),
                _ANY_LINE_BREAK.sub(CRLF, body).encode("ascii"))


def text_body(body: str, signature: str | None) -> str:
    text = _LINE_BREAKS.sub("\n", body).rstrip()
    if signature:
        text += "\n\n" + _LINE_BREAKS.sub("\n", signature).strip("\n")
    return text + "\n"


def text_unsubscribe(url: str) -> str:
    return f"\nTo stop receiving these emails: {url}\n"


def html_unsubscribe(url: str) -> str:
    return (f'<p class="unsubscribe" style="font-size:12px;color:#666">To stop receiving these emails, '
            f'<a href="{html.escape(url)}">unsubscribe</a>.</p>\n')


def html_body(body: str, signature_html: str | None, signature_text: str | None, *, footer: str = "") -> str:
    """The HTML part: the body, then the signature and `footer`, inside its <body> when it has one."""
    if signature_html is None and signature_text:
        signature_html = html.escape(signature_text.strip()).replace("\n", "<br>\n")
    body = _LINE_BREAKS.sub("\n", body)
    if not signature_html and not footer:
        return body if body.endswith("\n") else body + "\n"
    block = footer
    if signature_html:
        block = f'<div class="signature">{_LINE_BREAKS.sub(chr(10), signature_html)}</div>\n' + footer
    ends = list(_BODY_END.finditer(body))
    if ends:
        cut = ends[-1].start()
        body = body[:cut] + block + body[cut:]
        return body if body.endswith("\n") else body + "\n"
    return body.rstrip("\n") + "\n" + block
