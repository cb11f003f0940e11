from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.inbox.intent import ReplyIntent
from aicmo.db.base import Base, UTCDateTime, str_enum, utcnow


class InboxStateDB(Base):
    """How far a mailbox's folder has been read: UIDs are only comparable under the same UIDVALIDITY."""

    __tablename__ = "inbox_states"

    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True)
    folder: Mapped[str] = mapped_column(String(200), primary_key=True)
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class InboundMessageDB(Base):
    """One incoming message or provider event and what it was taken for; stored once, applied once."""

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))  # "imap", or the provider: "ses", "sendgrid", "postmark"
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("mailboxes.id", ondelete="SET NULL"))
    folder: Mapped[str | None] = mapped_column(String(200))
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    uid: Mapped[int | None] = mapped_column(BigInteger)
    provider_event_id: Mapped[str | None] = mapped_column(String(200))
    rfc_message_id: Mapped[str | None] = mapped_column(String(998))
    kind: Mapped[InboundKind] = mapped_column(str_enum(InboundKind))
    address: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), index=True)
    message_id: Mapped[str | None] = mapped_column(String(36), index=True)  # our outreach message, when matched
    # What a reply means for the deal, read when it arrived; the operator may correct it.
    intent: Mapped[ReplyIntent | None] = mapped_column(str_enum(ReplyIntent))
    intent_corrected: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("mailbox_id", "folder", "uidvalidity", "uid"),
        UniqueConstraint("source", "provider_event_id"),
    )
