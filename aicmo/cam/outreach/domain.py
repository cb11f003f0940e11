"""What every channel speaks: the channel names, how a send can end, and the message it is handed."""

import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class Channel(StrEnum):
    EMAIL = "email"
    LINKEDIN = "linkedin"
    CONTACT_FORM = "contact_form"


class SendStatus(StrEnum):
    SENT = "sent"
    # Handed to someone else to finish (an operator task, an automation webhook); the result comes later.
    PENDING = "pending"
    FAILED = "failed"
    # The channel was not tried: the lead lacks what it needs (recorded with the reason).
    SKIPPED = "skipped"


class MessageStatus(StrEnum):
    PENDING = "pending"  # stored, waiting for its time (next_attempt_at)
    QUEUED = "queued"  # claimed by a worker under a lease, not yet handed to a channel
    SENDING = "sending"  # handed to a channel; a crash now leaves it in doubt
    SENT = "sent"
    DELIVERED = "delivered"
    REPLIED = "replied"
    BOUNCED = "bounced"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"
    # The channel may have delivered it (no answer came once it was all sent): nothing more goes out for it until
    # the operator says it was delivered, to send it again, or to drop it.
    IN_DOUBT = "in_doubt"


# Nothing more will be sent for a message in these states.
FINAL_STATUSES = frozenset({MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.REPLIED, MessageStatus.BOUNCED,
                            MessageStatus.FAILED, MessageStatus.CANCELLED, MessageStatus.SKIPPED,
                            MessageStatus.IN_DOUBT})


class ErrorKind(StrEnum):
    TRANSIENT = "transient"  # retry the same channel later
    CHANNEL_FAILED = "channel_failed"  # this channel cannot reach this lead: try the next one
    # Refused for policy from this sender mailbox (5.7.x): never again from it; another mailbox, else the next channel.
    MAILBOX_REFUSED = "mailbox_refused"
    FATAL = "fatal"  # stop reaching this lead at all
    IN_DOUBT = "in_doubt"  # it may have gone out: never retried by itself, the operator decides


class SmtpSecurity(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"  # implicit TLS, usually port 465


class EventKind(StrEnum):
    HARD_BOUNCE = "hard_bounce"
    SOFT_BOUNCE = "soft_bounce"
    # The receiving server refused for policy or spam reasons: a mark against the sending mailbox.
    POLICY_REJECTION = "policy_rejection"
    COMPLAINT = "complaint"
    DELIVERED = "delivered"
    REPLY = "reply"
    AUTO_REPLY = "auto_reply"
    UNSUBSCRIBE = "unsubscribe"


@dataclass
class OutreachMessage:
    """One message to one lead on one channel; the sequencer owns its lifecycle."""

    lead_id: int
    body: str
    subject: str | None = None
    channel: Channel = Channel.EMAIL
    campaign_id: int | None = None
    sequence_step: int = 0
    template_variant: str | None = None
    html_body: str | None = None
    # Which sender mailbox to use; None lets the channel choose.
    mailbox: str | None = None
    # Message-IDs of the earlier emails to the lead in this campaign, oldest first: a later email answers them.
    thread: tuple[str, ...] = ()
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class SendResult:
    status: SendStatus
    channel: Channel
    detail: str = ""
    error_kind: ErrorKind | None = None
    provider_message_id: str | None = None
    duration_ms: float = 0.0
    # What the attempt revealed about the lead or the mailbox, recorded with it (e.g. a hard bounce).
    event: EventKind | None = None
    mailbox: str | None = None
    # The address, URL or profile the attempt went to.
    target: str | None = None
    # The registrable domain the attempt went to (a contact form's host): per-domain caps count it.
    target_domain: str | None = None
    response_code: int | None = None

    @property
    def ok(self) -> bool:
        return self.status is not SendStatus.FAILED

    @classmethod
    def failed(cls, channel: Channel, kind: ErrorKind, detail: str, **extra: object) -> "SendResult":
        return cls(status=SendStatus.FAILED, channel=channel, error_kind=kind, detail=detail, **extra)  # type: ignore[arg-type]
