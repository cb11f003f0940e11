from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.cam.outreach.domain import Channel, ErrorKind, EventKind, MessageStatus, SendStatus, SmtpSecurity
from aicmo.db.base import Base, JSONType, UTCDateTime, str_enum, utcnow
from aicmo.db.secrets import EncryptedText


class MailboxDB(Base):
    """A sender mailbox: its From identity, how to reach its SMTP server, and how much it may send."""

    __tablename__ = "mailboxes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    from_address: Mapped[str] = mapped_column(String(320))
    from_name: Mapped[str | None] = mapped_column(String(200))
    reply_to: Mapped[str | None] = mapped_column(String(320))
    smtp_host: Mapped[str] = mapped_column(String(253))
    smtp_port: Mapped[int] = mapped_column(Integer, default=587)
    smtp_security: Mapped[SmtpSecurity] = mapped_column(str_enum(SmtpSecurity), default=SmtpSecurity.STARTTLS)
    smtp_username: Mapped[str | None] = mapped_column(String(320))
    # The three secrets are stored encrypted (aicmo.db.secrets); code reads and writes them in plain.
    smtp_password: Mapped[str | None] = mapped_column(EncryptedText)
    signature_text: Mapped[str | None] = mapped_column(Text)
    signature_html: Mapped[str | None] = mapped_column(Text)
    daily_cap: Mapped[int] = mapped_column(Integer, default=50)
    dkim_domain: Mapped[str | None] = mapped_column(String(253))
    dkim_selector: Mapped[str | None] = mapped_column(String(63))
    dkim_private_key: Mapped[str | None] = mapped_column(EncryptedText)
    # Where replies and bounces arrive: read over IMAP (none configured: the mailbox is not polled).
    imap_host: Mapped[str | None] = mapped_column(String(253))
    imap_port: Mapped[int | None] = mapped_column(Integer)
    imap_security: Mapped[SmtpSecurity] = mapped_column(str_enum(SmtpSecurity), default=SmtpSecurity.TLS)
    imap_username: Mapped[str | None] = mapped_column(String(320))
    imap_password: Mapped[str | None] = mapped_column(EncryptedText)
    imap_folder: Mapped[str] = mapped_column(String(200), default="INBOX")
    bounce_folder: Mapped[str | None] = mapped_column(String(200))  # processed bounces are moved here, if set
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    # Warm-up ramp: a new mailbox may send warmup_start a day, warmup_increment more each day, up to daily_cap.
    warmup_start: Mapped[int | None] = mapped_column(Integer)
    warmup_increment: Mapped[int | None] = mapped_column(Integer)
    warmup_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutreachAttemptDB(Base):
    """One try of one channel for one message: what was tried, where, and how it ended."""

    __tablename__ = "outreach_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str | None] = mapped_column(String(36), index=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("mailboxes.id", ondelete="SET NULL"))
    target: Mapped[str | None] = mapped_column(String(1000))
    # The lead's company domain or the form's host: per-domain caps and submission counts read it.
    target_domain: Mapped[str | None] = mapped_column(String(253))
    status: Mapped[SendStatus] = mapped_column(str_enum(SendStatus))
    error_kind: Mapped[ErrorKind | None] = mapped_column(str_enum(ErrorKind))
    detail: Mapped[str | None] = mapped_column(Text)
    provider_message_id: Mapped[str | None] = mapped_column(String(500), index=True)
    response_code: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[float | None]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_outreach_attempts_lead_started", "lead_id", "started_at"),
        Index("ix_outreach_attempts_mailbox_started", "mailbox_id", "started_at"),
        Index("ix_outreach_attempts_channel_domain", "channel", "target_domain", "campaign_id"),
        # Reports count a campaign's attempts by day.
        Index("ix_outreach_attempts_campaign_started", "campaign_id", "started_at"),
    )


class DeliveryEventDB(Base):
    """Something learnt about a message after or while sending it: a bounce, a complaint, a reply."""

    __tablename__ = "delivery_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("mailboxes.id", ondelete="SET NULL"))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("outreach_attempts.id", ondelete="SET NULL"))
    message_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # The channel the event is about, as it was then: a bounce stays on email after the message falls back.
    channel: Mapped[Channel | None] = mapped_column(str_enum(Channel))
    detail: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_delivery_events_mailbox_kind_occurred", "mailbox_id", "kind", "occurred_at"),)


class OutreachMessageDB(Base):
    """One message of one sequence step to one lead, tried channel by channel until it ends in a final status."""

    __tablename__ = "outreach_messages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    sequence_step: Mapped[int] = mapped_column(Integer, default=0)
    # The fallback order for this message and where in it we are.
    channel_order: Mapped[list[str]] = mapped_column(JSONType, default=list)
    channel_index: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[Channel | None] = mapped_column(str_enum(Channel))
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    template_variant: Mapped[str | None] = mapped_column(String(50))
    # The lead's grade when the message was written: reports per grade count what was sent to each grade.
    lead_grade: Mapped[str | None] = mapped_column(String(2))
    mailbox: Mapped[str | None] = mapped_column(String(100))
    # Contact points this message goes to instead of the lead's stored ones (email, linkedin_url, contact_form_url).
    contact_override: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    status: Mapped[MessageStatus] = mapped_column(str_enum(MessageStatus), default=MessageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Tries on the current channel: the backoff schedule counts these.
    channel_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error_kind: Mapped[ErrorKind | None] = mapped_column(str_enum(ErrorKind))
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_message_id: Mapped[str | None] = mapped_column(String(500), index=True)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The rate-limit slots taken for the send in progress, given back if nothing went out.
    reservation: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sending_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    skipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    in_doubt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the operator last asked for it again: it is then sent whatever its campaign's state (unless paused).
    retried_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_outreach_messages_status_next_attempt", "status", "next_attempt_at"),
        Index("ix_outreach_messages_lead_created", "lead_id", "created_at"),
        # Per campaign, channel and status; and a campaign report reads every message of a campaign from this index
        # alone, already in the order it groups them by, so it streams the counts without hashing.
        Index("ix_outreach_messages_campaign_channel_status", "campaign_id", "channel", "status", "lead_grade",
              "sequence_step", "template_variant"),
        # Enqueueing a campaign step twice never makes a second message.
        UniqueConstraint("campaign_id", "lead_id", "sequence_step", name="uq_outreach_messages_campaign_lead_step"),
    )
