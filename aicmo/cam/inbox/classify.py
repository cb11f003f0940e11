"""What one incoming e-mail is: a bounce, a spam complaint, an automatic answer, a request to be removed, a
person's reply, or something else left alone. A pure function of the message's bytes.

The order matters: reports (ARF, DSN) carry Auto-Submitted and quote our message, auto-replies carry In-Reply-To,
and list mail may borrow a "Re:" subject; each is settled before the weaker signs after it are read.
"""

import json
from dataclasses import replace
from datetime import date
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

from aicmo.cam.inbox.autoreply import auto_reply_reason, return_date
from aicmo.cam.inbox.bounces import DELIVERED_ACTIONS, Bounce, read_bounce
from aicmo.cam.inbox.complaints import COMPLAINT_TYPES, read_complaint
from aicmo.cam.inbox.events import InboundEvent, InboundKind
from aicmo.cam.inbox.providers import WebhookError, parse_events
from aicmo.cam.inbox.reply_text import REPLY_PREFIX, address_of, header_text, message_ids, own_words, part_text
from aicmo.cam.inbox.unsubscribe_request import asks_to_unsubscribe, is_unsubscribe_subject

_SNS_SENDER = "@sns.amazonaws.com"
_MAIL_HEADERS = ("From", "Date", "Message-ID", "Received", "Return-Path", "Subject")


def classify(raw: bytes) -> InboundEvent:
    """Classify one raw message; never raises, unreadable input is UNMATCHED with the reason in `detail`."""
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # input comes from anyone: no message may stop the mailbox from being read
        return InboundEvent(InboundKind.UNMATCHED, detail=f"unparseable message: {type(exc).__name__}")
    if not any(name in msg for name in _MAIL_HEADERS):
        return InboundEvent(InboundKind.UNMATCHED, detail="not an email message: no mail headers")
    try:
        return _classify(msg)
    except Exception as exc:  # as above: a malformed part must not stop the mailbox from being read
        return InboundEvent(InboundKind.UNMATCHED, rfc_message_id=_own_id(msg), subject=header_text(msg, "Subject"),
                            detail=f"unreadable message: {type(exc).__name__}: {exc}"[:300])


def _classify(msg: Message) -> InboundEvent:
    own_id, subject = _own_id(msg), header_text(msg, "Subject")
    sender = address_of(header_text(msg, "From"))
    notice = _provider_notice(msg, sender)
    if notice is not None:
        return replace(notice, subject=subject, rfc_message_id=own_id)
    complaint = read_complaint(msg)
    if complaint is not None:
        kind = InboundKind.COMPLAINT if complaint.feedback_type in COMPLAINT_TYPES else InboundKind.UNMATCHED
        target = complaint.address or "a redacted address"
        return InboundEvent(kind, references=complaint.references, address=complaint.address, subject=subject,
                            rfc_message_id=own_id, detail=f"ARF {complaint.feedback_type} report for {target}")
    bounce = read_bounce(msg)
    if bounce is not None:
        return _bounce_event(bounce, own_id, subject)
    replying = message_ids(header_text(msg, "In-Reply-To"), header_text(msg, "References"))
    text = own_words(msg)
    reason = auto_reply_reason(msg, subject, text)
    if reason is not None:
        return InboundEvent(InboundKind.AUTO_REPLY, references=replying, address=sender, subject=subject, text=text,
                            return_date=return_date(f"{subject}\n\n{text}", _sent(msg)), rfc_message_id=own_id,
                            detail=reason)
    if not replying and (bulk := _bulk_reason(msg)):
        return InboundEvent(InboundKind.UNMATCHED, subject=subject, address=sender, rfc_message_id=own_id,
                            detail=f"list or bulk mail ({bulk}) without reply headers")
    bare_subject = REPLY_PREFIX.sub("", subject)
    if is_unsubscribe_subject(bare_subject):
        return InboundEvent(InboundKind.UNSUBSCRIBE, references=replying, address=sender, subject=subject, text=text,
                            rfc_message_id=own_id, detail=f"subject asks to unsubscribe: {bare_subject[:60]}")
    if not replying and not REPLY_PREFIX.match(subject):
        return InboundEvent(InboundKind.UNMATCHED, subject=subject, address=sender, rfc_message_id=own_id,
                            detail="no reply headers and no reply subject")
    why = "In-Reply-To/References" if replying else "reply subject"
    if asks_to_unsubscribe(text):
        return InboundEvent(InboundKind.UNSUBSCRIBE, references=replying, address=sender, subject=subject, text=text,
                            rfc_message_id=own_id, detail=f"reply ({why}) asks to be removed")
    return InboundEvent(InboundKind.REPLY, references=replying, address=sender, subject=subject, text=text,
                        rfc_message_id=own_id, detail=f"reply ({why}) from {sender or 'an unknown sender'}")


def _bounce_event(bounce: Bounce, own_id: str | None, subject: str) -> InboundEvent:
    source = "DSN" if bounce.standard else "bounce"
    target = bounce.address or "an unnamed recipient"
    if bounce.action in DELIVERED_ACTIONS:
        return InboundEvent(InboundKind.DELIVERED, references=bounce.references, address=bounce.address,
                            subject=subject, status_code=bounce.status_code, diagnostic=bounce.diagnostic,
                            rfc_message_id=own_id, detail=f"{source} {bounce.action} for {target}")
    state = "delayed " if bounce.action == "delayed" else ""
    return InboundEvent(InboundKind.BOUNCE, references=bounce.references, address=bounce.address, subject=subject,
                        hard=bounce.hard, status_code=bounce.status_code, diagnostic=bounce.diagnostic,
                        rfc_message_id=own_id,
                        detail=f"{source} {state}{bounce.status_code or 'without status'} for {target}")


def _provider_notice(msg: Message, sender: str | None) -> InboundEvent | None:
    """An Amazon SES bounce or complaint notification delivered by e-mail: its JSON read as the webhook's."""
    if not (sender or "").endswith(_SNS_SENDER):
        return None
    body = msg.get_body(preferencelist=("plain",)) if isinstance(msg, EmailMessage) else None
    text = part_text(body) if body is not None else ""
    start = text.find("{")
    if start < 0:
        return None
    try:
        data, _end = json.JSONDecoder().raw_decode(text[start:])
        events = parse_events("ses", json.dumps(data).encode())
    except (ValueError, WebhookError):
        return None
    return events[0] if events else None


def _bulk_reason(msg: Message) -> str | None:
    for name in ("List-Id", "List-Unsubscribe", "List-Post"):
        if header_text(msg, name):
            return name
    precedence = header_text(msg, "Precedence").lower()
    return f"Precedence: {precedence}" if precedence in ("bulk", "list", "junk") else None


def _own_id(msg: Message) -> str | None:
    found = message_ids(header_text(msg, "Message-ID"))
    return found[0] if found else (header_text(msg, "Message-ID") or None)


def _sent(msg: Message) -> date | None:
    try:
        return parsedate_to_datetime(header_text(msg, "Date")).date()
    except (TypeError, ValueError, IndexError):
        return None
