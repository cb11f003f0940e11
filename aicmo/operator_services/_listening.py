"""Listening: the inbox, provider events, the suppression list and alerts."""

from datetime import datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session

from aicmo.cam.alerts import service as alerts
from aicmo.cam.alerts.schemas import AlertRead
from aicmo.cam.inbox import service as inbox
from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.inbox.poller import PollResult
from aicmo.cam.inbox.providers import parse_events, subscription_confirm_url
from aicmo.cam.inbox.schemas import InboundRead, WebhookOutcome
from aicmo.cam.suppression import service as suppression
from aicmo.cam.suppression.schemas import ImportResult, SuppressionRead
from aicmo.settings import Settings, get_settings


def poll_inbox(db: Session, *, mailbox: str | None = None) -> list[PollResult]:
    """Read new mail in one mailbox (or every mailbox with IMAP set) and apply it, each message committed alone."""
    return inbox.poll(db, get_settings(), mailbox=mailbox)


def take_incoming_mail(db: Session, raw: bytes, *, source: str = "file", now: datetime | None = None,
                       settings: Settings | None = None) -> InboundRead | None:
    """Apply one raw email (RFC 5322 bytes) as if read from a mailbox: a reply stops its lead's sequence, a bounce
    falls back, and so on. None when the same Message-ID came from the same source before."""
    record = inbox.take_message(db, raw, settings or get_settings(), source=source, now=now)
    db.commit()
    return None if record is None else InboundRead.model_validate(record)


def list_inbound(db: Session, *, kind: InboundKind | None = None, lead_id: int | None = None,
                 limit: int = 50) -> list[InboundRead]:
    """Replies, bounces, complaints and other incoming mail, newest first."""
    return inbox.get_all(db, kind=kind, lead_id=lead_id, limit=limit)


def take_provider_events(db: Session, provider: str, body: bytes, *,
                         settings: Settings | None = None) -> WebhookOutcome:
    """Apply a provider's webhook payload (SES, SendGrid, Postmark); WebhookError names what is malformed.

    An Amazon SNS subscription request is shown to the operator as an alert with its link: subscribing is their
    decision, so the link is never fetched from here.
    """
    confirm = subscription_confirm_url(body) if provider.lower() == "ses" else None
    if confirm is not None:
        alerts.raise_alert(db, "webhook.subscription", subject="ses", message=(
            f"Amazon SNS asks to confirm the subscription of this webhook: open {confirm} to confirm it."),
            data={"url": confirm})
        db.commit()
        return WebhookOutcome(received=0, applied=0, duplicates=0)
    return inbox.take_provider_events(db, provider, parse_events(provider, body), settings or get_settings())


def unsubscribe_by_link(db: Session, *, lead_id: int, message_id: str | None, source: str) -> None:
    """Unsubscribe the lead an unsubscribe link names: address suppressed, lead unsubscribed, waiting steps
    cancelled. Repeating it is harmless."""
    suppression.unsubscribe(db, lead_id=lead_id, message_id=message_id, source=source)
    db.commit()


def get_suppression(db: Session, value: str) -> SuppressionRead | None:
    """The entry that suppresses exactly this address or domain, if there is one."""
    row = suppression.get(db, value)
    return None if row is None else SuppressionRead.model_validate(row)


def suppress(db: Session, value: str, *, reason: str = "manual", detail: str | None = None) -> SuppressionRead:
    """Never reach this address or domain again, on any channel; its waiting messages stop at their next turn."""
    row = suppression.add(db, value, reason=reason, detail=detail)
    db.commit()
    return SuppressionRead.model_validate(row)


def unsuppress(db: Session, value: str) -> bool:
    removed = suppression.remove(db, value)
    db.commit()
    return removed


def list_suppressions(db: Session, *, search: str | None = None, limit: int = 100,
                      offset: int = 0) -> list[SuppressionRead]:
    return [SuppressionRead.model_validate(row)
            for row in suppression.get_all(db, search=search, limit=limit, offset=offset)]


def list_alerts(db: Session, *, include_acknowledged: bool = False, limit: int = 100) -> list[AlertRead]:
    """What the operator must see, e.g. a mailbox that paused itself, newest first."""
    return [AlertRead.model_validate(row)
            for row in alerts.get_all(db, include_acknowledged=include_acknowledged, limit=limit)]


def acknowledge_alert(db: Session, alert_id: int) -> bool:
    found = alerts.acknowledge(db, alert_id)
    db.commit()
    return found


def import_suppressions(db: Session, source: Path | bytes, *, reason: str = "import") -> ImportResult:
    """Add every address and domain of a CSV file (or its uploaded bytes); bad rows are reported by line."""
    result = suppression.import_csv(db, source, reason=reason)
    db.commit()
    return result


def export_suppressions(db: Session, out: TextIO) -> int:
    """Write the whole suppression list as CSV (value, kind, reason, detail, created_at); return how many."""
    return suppression.export_csv(db, out)
