"""The deliverability guard: a mailbox whose bounce or complaint rate crosses its threshold pauses itself.

A send is an email attempt the receiving server answered: accepted (SENT), or refused on the spot as a hard
bounce. Bounces are hard bounces, on the spot or reported later; complaints are feedback reports. Events are
counted by when they happened, over the mailbox's last N sends and over the last hours.
"""

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from aicmo.cam.alerts import service as alerts
from aicmo.cam.deliverability.rules import Thresholds, Window, pause_reason
from aicmo.cam.outreach.attempts import events_since, sends_since
from aicmo.cam.outreach.domain import Channel, EventKind, MessageStatus, SendStatus
from aicmo.cam.outreach.models import MailboxDB, OutreachAttemptDB, OutreachMessageDB
from aicmo.settings import Settings


def thresholds(settings: Settings) -> Thresholds:
    return Thresholds(settings.guard_bounce_rate, settings.guard_complaint_rate, settings.guard_min_sends)


def window_since(db: Session, mailbox_id: int, label: str, since: datetime) -> Window:
    """Sends, bounces and complaints of the mailbox since a moment."""
    events = events_since(db, mailbox_id, since)
    return Window(label, sends_since(db, mailbox_id, since), events.get(EventKind.HARD_BOUNCE, 0),
                  events.get(EventKind.COMPLAINT, 0))


def windows(db: Session, mailbox_id: int, settings: Settings, now: datetime) -> list[Window]:
    """The mailbox's figures over its last N sends and over the last hours."""
    hours = settings.guard_window_hours
    recent = [window_since(db, mailbox_id, f"last {hours:g} h", now - timedelta(hours=hours))]
    nth_newest = db.scalar(select(OutreachAttemptDB.started_at).where(
        OutreachAttemptDB.mailbox_id == mailbox_id, OutreachAttemptDB.channel == Channel.EMAIL,
        OutreachAttemptDB.status == SendStatus.SENT).order_by(OutreachAttemptDB.started_at.desc())
        .offset(settings.guard_window_sends - 1).limit(1))
    if nth_newest is not None:
        recent.insert(0, window_since(db, mailbox_id, f"last {settings.guard_window_sends} sends", nth_newest))
    return recent


def check_mailbox(db: Session, mailbox_id: int, settings: Settings, now: datetime) -> str | None:
    """Pause the mailbox if its figures cross a threshold; return why it paused now. Never commits."""
    mailbox = db.get(MailboxDB, mailbox_id, with_for_update=True)
    if mailbox is None or mailbox.paused_at is not None:
        return None
    figures = windows(db, mailbox_id, settings, now)
    reason = pause_reason(figures, thresholds(settings))
    if reason is None:
        return None
    mailbox.paused_at, mailbox.paused_reason = now, f"paused by the deliverability guard: {reason}"
    # Waiting messages pinned to it go to the campaign's other mailboxes, or wait for one.
    db.execute(update(OutreachMessageDB).where(
        OutreachMessageDB.mailbox == mailbox.name,
        OutreachMessageDB.status.in_((MessageStatus.PENDING, MessageStatus.QUEUED))).values(mailbox=None)
        .execution_options(synchronize_session=False))
    alerts.raise_alert(db, "mailbox.paused", subject=mailbox.name,
                       message=f"Mailbox {mailbox.name} paused itself: {reason}. Resume it once the cause is fixed.",
                       data={"windows": [{"label": w.label, "sends": w.sends, "bounces": w.bounces,
                                          "complaints": w.complaints, "bounce_rate": w.bounce_rate,
                                          "complaint_rate": w.complaint_rate} for w in figures]}, now=now)
    return reason
