"""Feedback-loop reports (RFC 5965 ARF): a mailbox provider telling us a recipient marked our mail as spam."""

import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import HeaderParser

from aicmo.cam.inbox.bounces import enclosed_original, is_report, original_references
from aicmo.cam.inbox.reply_text import address_of, header_text, part_text

_JMRP_SUBJECT = re.compile(r"^complaint about message from \S+$", re.IGNORECASE)
# Feedback types that are a recipient's complaint; "not-spam", "virus" and "auth-failure" reports are not.
COMPLAINT_TYPES = ("abuse", "fraud")


@dataclass(frozen=True)
class FeedbackReport:
    feedback_type: str
    address: str | None  # the recipient who complained, when the provider does not redact it
    references: tuple[str, ...]
    user_agent: str


def read_complaint(msg: Message) -> FeedbackReport | None:
    """The feedback report this message is, or None when it is none."""
    if not is_report(msg, "feedback-report"):
        return _junk_mail_report(msg)
    fields = _fields(msg)
    feedback_type = (header_text(fields, "Feedback-Type").lower() if fields is not None else "") or "abuse"
    recipient = ""
    if fields is not None:
        recipient = header_text(fields, "Original-Rcpt-To") or header_text(fields, "Removal-Recipient")
    address = address_of(recipient)
    if address is None and (original := enclosed_original(msg)) is not None:
        address = address_of(header_text(original, "To"))
    user_agent = header_text(fields, "User-Agent") if fields is not None else ""
    return FeedbackReport(feedback_type, address, original_references(msg), user_agent)


def _junk_mail_report(msg: Message) -> FeedbackReport | None:
    """Microsoft's JMRP report: not ARF, but the reported message enclosed and the complainer in a header."""
    recipient = header_text(msg, "X-HmXmrOriginalRecipient")
    if not recipient and not _JMRP_SUBJECT.match(header_text(msg, "Subject")):
        return None
    original = enclosed_original(msg)
    if original is None:
        return None
    address = address_of(recipient) or address_of(header_text(original, "To"))
    return FeedbackReport("abuse", address, original_references(msg), "JMRP")


def _fields(msg: Message) -> Message | None:
    for part in msg.walk():
        if part.get_content_type() == "message/feedback-report":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
            return HeaderParser(policy=policy.default).parsestr(part_text(part))
    return None
