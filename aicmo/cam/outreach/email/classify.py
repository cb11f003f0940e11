"""What an SMTP reply means for the lead and for the mailbox: a pure function of where it came and what it said.

Where a reply arrives matters as much as its code. Refusals before RCPT (connect, STARTTLS, AUTH, MAIL FROM)
are about our mailbox or its server, never about the lead, so they are TRANSIENT for the lead. A refusal at RCPT
is about that recipient; after DATA only an explicit 5.1.x status is (the server may refuse content for a hundred
reasons that say nothing about the address).

552 is a soft bounce (TRANSIENT, event SOFT_BOUNCE): in practice it means "mailbox full", which clears when the
recipient tidies up, and RFC 5321 (4.5.3.1.10) tells clients to treat 552 at RCPT as temporary. Marking the
address invalid would throw away a real person; the soft-bounce events let a later rule give up after repeats.
Only a 552 that names the message size (5.2.3, 5.3.4) fails the channel, as resending the same message cannot help.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from aicmo.cam.outreach.domain import ErrorKind, EventKind, SendStatus


class SmtpPhase(StrEnum):
    CONNECT = "connect"  # TCP, implicit TLS, greeting, EHLO
    STARTTLS = "starttls"
    AUTH = "auth"
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"


class NetworkFailure(StrEnum):
    UNREACHABLE = "could not connect"
    TIMEOUT = "timed out"
    DISCONNECTED = "connection lost"
    PROTOCOL = "SMTP session failed"  # e.g. STARTTLS or AUTH not offered by the server


@dataclass(frozen=True)
class SmtpReply:
    """How one SMTP transaction ended: the reply that ended it, or the network failure that did."""

    phase: SmtpPhase
    code: int | None = None
    text: str = ""
    failure: NetworkFailure | None = None
    # The whole message was written and its answer never came: the server may have accepted it.
    in_doubt: bool = False


@dataclass(frozen=True)
class Outcome:
    status: SendStatus
    error_kind: ErrorKind | None = None
    event: EventKind | None = None
    detail: str = ""


_ENHANCED = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b")
_MAILBOX_SIDE = (SmtpPhase.CONNECT, SmtpPhase.STARTTLS, SmtpPhase.AUTH, SmtpPhase.MAIL)
_AUTH_CODES = (530, 534, 535, 538)
_TOO_BIG = ("5.2.3", "5.3.4")


def enhanced_status(text: str) -> str | None:
    """The RFC 3463 enhanced status code a reply text starts with (e.g. "5.1.1"), if any."""
    match = _ENHANCED.match(text)
    return ".".join(match.groups()) if match else None


def classify(reply: SmtpReply, mailbox: str) -> Outcome:
    """The send outcome an SMTP reply (or a network failure) stands for."""
    if reply.failure is not None or reply.code is None:
        return _network(reply)
    code, status = reply.code, enhanced_status(reply.text) or ""
    said = f"{code} {reply.text}".strip() + f" (at {reply.phase.upper()})"
    if 200 <= code < 400:
        return Outcome(SendStatus.SENT, detail=said)
    if reply.phase is SmtpPhase.AUTH or code in _AUTH_CODES:
        return _failed(ErrorKind.TRANSIENT, f"mailbox {mailbox!r}: the SMTP server refused its authentication "
                                            f"({said}); check the mailbox's SMTP username and password")
    if code // 100 == 4:
        full = EventKind.SOFT_BOUNCE if status == "4.2.2" else None
        return _failed(ErrorKind.TRANSIENT, f"temporary failure: {said}", full)
    if status.startswith("5.7."):
        # Retrying the same content from the same mailbox gets the same verdict; another mailbox may not.
        return _failed(ErrorKind.MAILBOX_REFUSED, f"refused by policy, counted against mailbox {mailbox!r} and not "
                                                  f"tried again from it: {said}", EventKind.POLICY_REJECTION)
    if reply.phase in _MAILBOX_SIDE:
        return _failed(ErrorKind.TRANSIENT, f"the server refused mailbox {mailbox!r}, not the lead: {said}")
    if code == 552 or status == "5.2.2":
        if status in _TOO_BIG:
            return _failed(ErrorKind.CHANNEL_FAILED, f"message too large for the recipient's server: {said}")
        return _failed(ErrorKind.TRANSIENT, f"recipient mailbox full: {said}", EventKind.SOFT_BOUNCE)
    if status.startswith("5.1.") or (reply.phase is SmtpPhase.RCPT and code in (550, 551, 553)):
        return _failed(ErrorKind.CHANNEL_FAILED, f"recipient refused: {said}", EventKind.HARD_BOUNCE)
    if code // 100 == 5:
        return _failed(ErrorKind.CHANNEL_FAILED, f"permanent failure: {said}")
    return _failed(ErrorKind.TRANSIENT, f"unexpected reply: {said}")


def _network(reply: SmtpReply) -> Outcome:
    failure = reply.failure or NetworkFailure.DISCONNECTED
    detail = f"{failure} at {reply.phase.upper()}" + (f": {reply.text}" if reply.text else "")
    if reply.in_doubt:
        return _failed(ErrorKind.IN_DOUBT, f"in doubt: {detail} after the whole message was sent; the server may "
                                           "have accepted it, so it is not re-sent until you decide "
                                           "(aicmo messages list --in-doubt)")
    return _failed(ErrorKind.TRANSIENT, detail)


def _failed(kind: ErrorKind, detail: str, event: EventKind | None = None) -> Outcome:
    return Outcome(SendStatus.FAILED, kind, event, detail)


_EVENT_OUTCOMES: dict[EventKind, tuple[SendStatus, ErrorKind | None]] = {
    EventKind.DELIVERED: (SendStatus.SENT, None),
    EventKind.REPLY: (SendStatus.SENT, None),
    EventKind.AUTO_REPLY: (SendStatus.SENT, None),
    EventKind.HARD_BOUNCE: (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED),
    EventKind.SOFT_BOUNCE: (SendStatus.FAILED, ErrorKind.TRANSIENT),
    EventKind.POLICY_REJECTION: (SendStatus.FAILED, ErrorKind.MAILBOX_REFUSED),
    EventKind.COMPLAINT: (SendStatus.FAILED, ErrorKind.FATAL),
    EventKind.UNSUBSCRIBE: (SendStatus.FAILED, ErrorKind.FATAL),
}


def event_outcome(kind: EventKind) -> tuple[SendStatus, ErrorKind | None]:
    """What a later event says about a sent message: still fine, or failed and how."""
    return _EVENT_OUTCOMES[kind]
