"""One incoming message or provider event, classified: what it is and what it refers to. Pure data."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class InboundKind(StrEnum):
    REPLY = "reply"
    AUTO_REPLY = "auto_reply"  # out-of-office, autoresponder: not a reply, the sequence goes on
    BOUNCE = "bounce"
    COMPLAINT = "complaint"  # ARF feedback report, or a provider's complaint event
    UNSUBSCRIBE = "unsubscribe"  # a reply asking to be removed
    DELIVERED = "delivered"  # a provider says the receiving server accepted it
    UNMATCHED = "unmatched"  # not ours, or nothing we can tie to a message or lead: left alone


@dataclass(frozen=True)
class InboundEvent:
    kind: InboundKind
    # Message-IDs this refers to, without angle brackets: In-Reply-To and References of a reply, the original
    # message's Message-ID quoted in a DSN or ARF report, a provider's message id.
    references: tuple[str, ...] = ()
    # The address the event is about: the bounced or complaining recipient, or the sender of a reply.
    address: str | None = None
    subject: str | None = None
    hard: bool | None = None  # bounces: 5.x.x (hard) or 4.x.x (soft)
    status_code: str | None = None  # enhanced status code, e.g. "5.1.1"
    diagnostic: str | None = None
    text: str | None = None  # a reply's own words, quoted history stripped
    return_date: date | None = None  # an auto-reply's stated date of return
    rfc_message_id: str | None = None  # the incoming mail's own Message-ID, without angle brackets
    provider_event_id: str | None = None  # a webhook event's id, for idempotency
    occurred_at: datetime | None = None
    detail: str | None = None  # why it was classified so, for the operator
