"""Build the RFC 5322 message for one lead from one mailbox: headers, text and HTML alternative, signature."""

import binascii
import html
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache

from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.domain import OutreachMessage
from aicmo.cam.outreach.email.headers import POLICY, WireHeader, address, check_header, unstructured, url_list
from aicmo.cam.outreach.email.mailbox import Mailbox, smtp_address

_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
_LINE_BREAKS = re.compile(r"\r\n?")
_SHORT_LINES = 78


@dataclass(frozen=True)
class Envelope:
    message_id: str  # the Message-ID header value, angle brackets included
    sender: str  # envelope MAIL FROM
    recipient: str  # envelope RCPT TO


@dataclass(frozen=True)
class ComposedEmail:
    message: EmailMessage
    message_id: str
    sender: str
    recipient: str


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
    sender, recipient, message_id = checked.sender, checked.recipient, checked.message_id

    email = EmailMessage(policy=POLICY)
    email["From"] = _sender("From", mailbox.from_name, sender)
    email["To"] = address("To", lead.full_name, recipient)
    if mailbox.reply_to:
        email["Reply-To"] = _sender("Reply-To", None, smtp_address(mailbox.reply_to))
    if message.subject is not None:
        email["Subject"] = unstructured("Subject", message.subject)
    email["Date"] = WireHeader("Date", format_datetime(now or datetime.now(UTC)))
    email["Message-ID"] = WireHeader("Message-ID", message_id)
    email["List-Unsubscribe"] = url_list("List-Unsubscribe", [unsubscribe_url, f"mailto:{sender}?subject=unsubscribe"])
    email["List-Unsubscribe-Post"] = WireHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
    email["MIME-Version"] = WireHeader("MIME-Version", "1.0")
    text = text_part(text_body(message.body, mailbox.signature_text), "plain")
    if message.html_body is None:
        for name, value in text.items():
            email[name] = value
        email.set_payload(text.get_payload())
    else:
        boundary = f"=_aicmo_{uuid.uuid4().hex}"  # random: cannot occur in the parts
        email["Content-Type"] = WireHeader("Content-Type", f'multipart/alternative; boundary="{boundary}"',
                                           f'multipart/alternative;\n boundary="{boundary}"')
        html_text = html_body(message.html_body, mailbox.signature_html, mailbox.signature_text)
        email.set_payload([text, text_part(html_text, "html")])
    return ComposedEmail(email, message_id, sender, recipient)


# The same few mailboxes send every message: render their headers once.
_sender = lru_cache(maxsize=256)(address)


def text_part(text: str, subtype: str) -> EmailMessage:
    """A UTF-8 text part: 7bit when it is short-lined ASCII, quoted-printable otherwise."""
    part = EmailMessage(policy=POLICY)
    part["Content-Type"] = WireHeader("Content-Type", f'text/{subtype}; charset="utf-8"')
    if text.isascii() and all(len(line) <= _SHORT_LINES for line in text.split("\n")):
        part["Content-Transfer-Encoding"] = WireHeader("Content-Transfer-Encoding", "7bit")
        part.set_payload(text)
    else:
        part["Content-Transfer-Encoding"] = WireHeader("Content-Transfer-Encoding", "quoted-printable")
        part.set_payload(binascii.b2a_qp(text.encode("utf-8"), istext=True).decode("ascii"))
    return part


def text_body(body: str, signature: str | None) -> str:
    text = _LINE_BREAKS.sub("\n", body).rstrip()
    if signature:
        text += "\n\n" + _LINE_BREAKS.sub("\n", signature).strip("\n")
    return text + "\n"


def html_body(body: str, signature_html: str | None, signature_text: str | None) -> str:
    if signature_html is None and signature_text:
        signature_html = html.escape(signature_text.strip()).replace("\n", "<br>\n")
    body = _LINE_BREAKS.sub("\n", body)
    if not signature_html:
        return body if body.endswith("\n") else body + "\n"
    block = f'<div class="signature">{_LINE_BREAKS.sub(chr(10), signature_html)}</div>\n'
    ends = list(_BODY_END.finditer(body))
    if ends:
        cut = ends[-1].start()
        body = body[:cut] + block + body[cut:]
        return body if body.endswith("\n") else body + "\n"
    return body.rstrip("\n") + "\n" + block


def to_bytes(message: EmailMessage) -> bytes:
    """The message as it goes on the wire: CRLF line ends, folded and encoded headers."""
    return message.as_bytes(policy=POLICY)
