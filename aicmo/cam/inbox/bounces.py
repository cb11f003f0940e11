"""Returned-mail reports: which recipient failed, whether for good, why, and which of our messages it was.

RFC 3464 reports are read field by field. Bounces in prose (qmail, old Exim, odd MTAs) are found by who sent them
or how their subject reads, and their failed recipients by flufl.bounce's per-MTA detectors.
"""

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import HeaderParser

from flufl.bounce import all_failures

from aicmo.cam.inbox.reply_text import address_of, header_text, html_text, message_ids, part_text


@dataclass(frozen=True)
class Bounce:
    action: str  # "failed", "delayed", or for a success report "delivered", "relayed", "expanded"
    address: str | None
    hard: bool | None
    status_code: str | None
    diagnostic: str | None
    references: tuple[str, ...]
    standard: bool  # read from an RFC 3464 report, not from prose


DELIVERED_ACTIONS = ("delivered", "relayed", "expanded", "deliverable")
_ENHANCED = re.compile(r"(?<![\w.=/])([245])\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)")
_FAILURE_CODE = re.compile(r"(?<![\w.=/])([45])\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)")
# A failure reply code stands alone: not inside a token such as "rsa-sha256", a version, an id or a phone number.
# 2xx replies are a transcript's successful steps ("220 ready"), never why delivery failed.
_BASIC = re.compile(r"(?<![\w.=/+-])([45])\d\d(?![\w.]|:\d)")
# Header lines of a quoted original ("X-Mailer: Mailman v2.0.13", "ARC-Seal: a=rsa-sha256") hold no status code.
_HEADER_LINE = re.compile(
    r"^[ \t]*(?!(?:status|diagnostic-code|reply|reason|error)\b)[A-Za-z][\w-]*:[ \t].*$|^[ \t]+\S.*=.*$", re.MULTILINE)
_DAEMONS = ("mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster", "microsoftexchange", "mdaemon")
_DAEMON_NAMES = re.compile(r"^\W*(?:mail delivery (?:system|subsystem)|mail administrator|system administrator)\b",
                           re.IGNORECASE)
_SUBJECT_TAIL = re.compile(r":\s*(?:non remis|undeliverable)\b|\(delivery failed\)\s*$", re.IGNORECASE)
_PROSE_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_SUBJECT = re.compile(
    r"^\s*(?:undeliver|undelivered mail|returned mail|delivery status notification|mail delivery failed|failure notice"
    r"|delivery failure|delivery has failed|message not delivered|delayed mail|delivery delayed|warning: could not send"
    r"|unzustellbar|nicht zustellbar|non remis|non distribuable|no se puede entregar|no entregado|mancato recapito"
    r"|onbestelbaar|nao entregue|mail error|mail could not be delivered|non-delivery|permanent delivery failure"
    r"|mail delivery warning|automatically rejected mail|warning: \S+@\S+ - user unknown)",
    re.IGNORECASE,
)
_SOFT_WORDS = re.compile(
    r"delayed|temporar|will (?:be )?retr|still (?:trying|being retried)|warning only|not yet been delivered",
    re.IGNORECASE,
)
# Where the returned copy begins in a prose bounce: codes and ids after it are the original's, not the report's.
_COPY = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*)?(?:this is a copy of the message|below this line is a copy|original message follows"
    r"|the original message|original message headers|undelivered message)",
    re.IGNORECASE | re.MULTILINE,
)
# A multi-line SMTP reply repeats "550-5.1.1" at the start of every line.
_REPLY_HEAD = re.compile(r"([245]\d\d)[- ]([245]\.\d{1,3}\.\d{1,3})\s+")
_REPLY_REPEAT = re.compile(r"\s*(?<!\S)[245]\d\d[- ][245]\.\d{1,3}\.\d{1,3}\s+")
# The returned message's ids, quoted in the text: as headers, '>'-quoted lines, or "Original Message-Id: <…>".
_QUOTED_ID = re.compile(r"^[ \t>]*(?:original[ \t-]+)?(message-id|in-reply-to|references)[ \t]*:[ \t]*(.+)$",
                        re.IGNORECASE | re.MULTILINE)


def read_bounce(msg: Message) -> Bounce | None:
    """The returned-mail report this message is, or None when it is none."""
    # Some gateways drop the report-type parameter; the status part says what the report is.
    if is_report(msg, "delivery-status") or (msg.get_content_type() == "multipart/report" and any(
            part.get_content_type() == "message/delivery-status" for part in msg.walk())):
        return _from_report(msg)
    if is_report(msg, "disposition-notification"):
        return _from_rejection(msg)
    if _looks_returned(msg):
        return _from_prose(msg)
    return None


def is_report(msg: Message, report_type: str) -> bool:
    """Whether the message is a multipart/report of this report-type."""
    return msg.get_content_type() == "multipart/report" and str(msg.get_param("report-type", "")).lower() == report_type


def enclosed_original(msg: Message) -> Message | None:
    """The returned or reported message (or its headers) enclosed in a report."""
    for part in msg.walk():
        kind = part.get_content_type()
        if kind in ("message/rfc822", "message/global", "message/global-headers"):
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                return inner[0]
        if kind == "text/rfc822-headers":
            return HeaderParser(policy=policy.default).parsestr(part_text(part))
    return None


def original_references(msg: Message) -> tuple[str, ...]:
    """The enclosed original's Message-ID, In-Reply-To and References; else the ones quoted in the text."""
    original = enclosed_original(msg)
    if original is not None:
        found = message_ids(*(header_text(original, name) for name in ("Message-ID", "In-Reply-To", "References")))
        if found:
            return found
    quoted = _QUOTED_ID.findall(notification_text(msg))
    ordered = [value for name, value in quoted if name.lower() == "message-id"]
    return message_ids(*ordered, *(value for name, value in quoted if name.lower() != "message-id"))


def notification_text(msg: Message) -> str:
    """The report's own human-readable text: its text parts, not those of enclosed messages."""
    if msg.get_content_maintype() == "message":
        return ""
    if msg.is_multipart():
        parts = [part for part in msg.get_payload() if isinstance(part, Message)]
        return "\n".join(filter(None, (notification_text(part) for part in parts)))
    if msg.get_content_type() == "text/plain":
        return part_text(msg)
    if msg.get_content_type() == "text/html":
        return html_text(part_text(msg))
    return ""


def _from_report(msg: Message) -> Bounce:
    blocks = _status_blocks(msg)
    recipients = [block for block in blocks if "Final-Recipient" in block or "Action" in block]
    chosen = _choose(recipients)
    quoted_id = next((header_text(block, "X-Original-Message-ID") for block in blocks if block not in recipients), "")
    own = (header_text(msg, "In-Reply-To"), header_text(msg, "References"))
    references = tuple(dict.fromkeys((*original_references(msg), *message_ids(quoted_id, *own))))
    if chosen is None:
        prose = _from_prose(msg)
        if prose is not None:
            return Bounce(prose.action, prose.address, prose.hard, prose.status_code, prose.diagnostic, references,
                          standard=False)
        return Bounce("failed", None, None, None, None, references, standard=True)
    action = header_text(chosen, "Action").lower().split("(")[0].strip() or "failed"
    diagnostic = _after_type(header_text(chosen, "Diagnostic-Code")) or None
    code = _status(header_text(chosen, "Status"), diagnostic or "")
    if code and code.startswith("2"):  # a success whatever the action says
        action = action if action in DELIVERED_ACTIONS else "delivered"
    # The Original-Recipient is the address we wrote to; the Final-Recipient may be a rewritten local mailbox.
    address = (address_of(_after_type(header_text(chosen, "Original-Recipient")))
               or address_of(_after_type(header_text(chosen, "Final-Recipient"))) or _prose_failures(msg)[0])
    return Bounce(action, address, _permanent(action, code, diagnostic or ""), code, _short(diagnostic), references,
                  standard=True)


def _status_blocks(msg: Message) -> list[Message]:
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            payload = part.get_payload()
            return [block for block in payload if isinstance(block, Message)] if isinstance(payload, list) else []
        if kind == "message/global-delivery-status":  # parsed as one message: fields, then the rest as its body
            text = part_text(part) if not part.is_multipart() else ""
            if part.is_multipart() and isinstance(inner := part.get_payload(0), EmailMessage):
                text = "\n".join(f"{name}: {value}" for name, value in inner.items()) + "\n\n" + part_text(inner)
            parser = HeaderParser(policy=policy.default)
            return [parser.parsestr(block) for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if block]
    return []


def _choose(recipients: list[Message]) -> Message | None:
    """The block to report: a failure before a delay before anything else."""
    by_action = {header_text(block, "Action").lower(): block for block in reversed(recipients)}
    for action in ("failed", "delayed", *DELIVERED_ACTIONS):
        if action in by_action:
            return by_action[action]
    return recipients[0] if recipients else None


def _status(status: str, diagnostic: str) -> str | None:
    found = _ENHANCED.search(status)
    detailed = _ENHANCED.search(diagnostic)
    # A generic x.0.0 status often comes with the precise code in the server's own reply.
    if found and found.group(0).endswith(".0.0") and detailed and detailed.group(1) == found.group(1):
        return detailed.group(0)
    return found.group(0) if found else (detailed.group(0) if detailed else None)


def _permanent(action: str, code: str | None, text: str) -> bool | None:
    if action == "delayed":
        return False
    if action in DELIVERED_ACTIONS:
        return None
    if code:
        return code.startswith("5")
    basic = _BASIC.search(text)
    if basic:
        return basic.group(1) == "5"
    return not _SOFT_WORDS.search(text)


def _looks_returned(msg: Message) -> bool:
    sender = address_of(header_text(msg, "From")) or header_text(msg, "From").lower()
    if sender.split("@")[0].startswith(_DAEMONS) or header_text(msg, "X-Failed-Recipients"):
        return True
    if _DAEMON_NAMES.match(header_text(msg, "From")):
        return True
    subject = header_text(msg, "Subject")
    return bool(_SUBJECT.match(subject) or _SUBJECT_TAIL.search(subject))


def _from_rejection(msg: Message) -> Bounce | None:
    """A disposition notification saying the message was deleted or refused unread: a failed delivery."""
    fields = next((part for part in msg.walk() if part.get_content_type() == "message/disposition-notification"), None)
    if fields is None:
        return None
    payload = fields.get_payload()
    parsed = (payload[0] if isinstance(payload, list) and payload and isinstance(payload[0], Message)
              else HeaderParser(policy=policy.default).parsestr(part_text(fields).strip() + "\n"))
    disposition = header_text(parsed, "Disposition").lower()
    if not any(word in disposition for word in ("deleted", "denied", "failed", "rejected")):
        return None
    address = address_of(_after_type(header_text(parsed, "Final-Recipient"))) or _prose_failures(msg)[0]
    quoted = message_ids(header_text(parsed, "Original-Message-ID"))
    references = tuple(dict.fromkeys((*original_references(msg), *quoted)))
    report = notification_text(msg)
    return Bounce("failed", address, _permanent("failed", None, report), None, _short(report), references, False)


def _from_prose(msg: Message) -> Bounce | None:
    address, temporary = _prose_failures(msg)
    text = notification_text(msg)
    report = _HEADER_LINE.sub("", _COPY.split(text, maxsplit=1)[0])
    found = _FAILURE_CODE.search(report)
    code = found.group(0) if found else None
    address = address or _prose_address(msg, report)
    if code is None and temporary:
        hard: bool | None = False
    else:
        hard = _permanent("failed", code, report)
    line = next((line.strip() for line in report.splitlines() if code and code in line), None)
    own = message_ids(header_text(msg, "In-Reply-To"), header_text(msg, "References"))
    references = tuple(dict.fromkeys((*original_references(msg), *own)))
    return Bounce("delayed" if hard is False else "failed", address, hard, code, _short(line), references, False)


def _prose_address(msg: Message, report: str) -> str | None:
    """The first address the report's own text names that is not the report's sender or addressee."""
    own = {address_of(header_text(msg, name)) for name in ("From", "To", "Reply-To")}
    found = (address.lower().strip(".'") for address in _PROSE_ADDRESS.findall(report))
    return next((address for address in found if address not in own and not address.startswith(_DAEMONS)), None)


def _prose_failures(msg: Message) -> tuple[str | None, bool]:
    """The failed recipient found without a DSN, and whether only temporarily failed."""
    try:
        temporary, permanent = all_failures(msg)
    except Exception:  # the per-MTA heuristics trip over odd MIME; the headers below may still name the address
        temporary, permanent = frozenset(), frozenset()
    for found, is_temporary in ((permanent, False), (temporary, True)):
        for raw in sorted(found):
            address = address_of(raw.decode("ascii", "replace"))
            if address:
                return address, is_temporary
    failed = address_of(header_text(msg, "X-Failed-Recipients"))
    if failed:
        return failed, False
    original = enclosed_original(msg)
    return (address_of(header_text(original, "To")) if original is not None else None), False


def _after_type(value: str) -> str:
    """'rfc822; bob@x.example' -> 'bob@x.example', 'smtp; 550 …' -> '550 …'."""
    kind, separator, rest = value.partition(";")
    return rest.strip() if separator and " " not in kind.strip() else value.strip()


def _short(text: str | None) -> str | None:
    if not text:
        return None
    text = " ".join(text.split())
    head = _REPLY_HEAD.match(text)
    if head:
        text = f"{head.group(1)} {head.group(2)} {_REPLY_REPEAT.sub(' ', text[head.end():])}"
    return text[:500]
