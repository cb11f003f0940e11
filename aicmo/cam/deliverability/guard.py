"""The deliverability guard: a mailbox whose bounce, complaint or policy-refusal rate crosses its threshold pauses.

A send is an email attempt the receiving server answered: accepted (SENT), or refused on the spot as a hard
bounce or for policy. Bounces are hard bounces, on the spot or reported later; complaints are feedback reports;
policy refusals are 5.7.x refusals (spam, DMARC, blocked sender). Events are counted by when they happened, over
the mailbox's last N sends and over the last hours. The thresholds are stored (GuardThresholdsDB) over the
AICMO_GUARD_* settings, so the worker that applies them and every report that shows them read the same ones.
"""

from dataclasses import asdict, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from aicmo.cam.alerts import service as alerts
from aicmo.cam.deliverability.models import GuardThresholdsDB
from aicmo.cam.deliverability.rules import Thresholds, Window, pause_reason
from aicmo.cam.outreach.attempts import events_since, sends_since
from aicmo.cam.outreach.domain import Channel, EventKind, MessageStatus, SendStatus
from aicmo.cam.outreach.models import DeliveryEventDB, MailboxDB, OutreachAttemptDB, OutreachMessageDB
from aicmo.settings import Settings

_COUNTED = (EventKind.HARD_BOUNCE, EventKind.COMPLAINT, EventKind.POLICY_REJECTION)
FIELDS = ("bounce_rate", "complaint_rate", "policy_rate", "min_sends", "window_sends", "window_hours")


def configured(settings: Settings) -> Thresholds:
    """The thresholds the AICMO_GUARD_* settings give, before any stored change."""
    return Thresholds(settings.guard_bounce_rate, settings.guard_complaint_rate, settings.guard_policy_rate,
                      settings.guard_min_sends, settings.guard_window_sends, settings.guard_window_hours)


def thresholds(db: Session, settings: Settings) -> Thresholds:
    """The thresholds the guard applies: those stored, each unset one from its setting."""
    stored = db.scalar(select(GuardThresholdsDB).order_by(GuardThresholdsDB.id).limit(1))
    base = configured(settings)
    if stored is None:
        return base
    return replace(base, **{name: getattr(stored, name) for name in FIELDS if getattr(stored, name) is not None})


def store_thresholds(db: Session, changes: dict[str, float | int | None]) -> None:
    """Store changed thresholds (None: back to its setting). Never commits; values are checked by the caller."""
    stored = db.scalar(select(GuardThresholdsDB).order_by(GuardThresholdsDB.id).limit(1))
    if stored is None:
        stored = GuardThresholdsDB()
        db.add(stored)
    for name, value in changes.items():
        setattr(stored, name, value)


def window_since(db: Session, mailbox_id: int, label: str, since: datetime) -> Window:
    """Sends, bounces, complaints and policy refusals of the mailbox since a moment."""
    events = events_since(db, mailbox_id, since)
    return Window(label, sends_since(db, mailbox_id, since), events.get(EventKind.HARD_BOUNCE, 0),
                  events.get(EventKind.COMPLAINT, 0), events.get(EventKind.POLICY_REJECTION, 0))


def _nth_newest_send(db: Session, mailbox_id: int, limits: Thresholds) -> datetime | None:
    return db.scalar(select(OutreachAttemptDB.started_at).where(
        OutreachAttemptDB.mailbox_id == mailbox_id, OutreachAttemptDB.channel == Channel.EMAIL,
        OutreachAttemptDB.status == SendStatus.SENT).order_by(OutreachAttemptDB.started_at.desc())
        .offset(limits.window_sends - 1).limit(1))


def _quiet(db: Session, mailbox_id: int, limits: Thresholds, now: datetime) -> bool:
    """No bounce, complaint or policy refusal in either window: nothing to judge (the usual case, kept cheap)."""
    newest = db.scalar(select(func.max(DeliveryEventDB.occurred_at)).where(
        DeliveryEventDB.mailbox_id == mailbox_id, DeliveryEventDB.kind.in_(_COUNTED)))
    if newest is None:
        return True
    if newest >= now - timedelta(hours=limits.window_hours):
        return False
    nth_newest = _nth_newest_send(db, mailbox_id, limits)  # the sends window may reach further back
    return nth_newest is None or newest < nth_newest


def windows(db: Session, mailbox_id: int, limits: Thresholds, now: datetime) -> list[Window]:
    """The mailbox's figures over its last N sends and over the last hours."""
    hours = limits.window_hours
    recent = [window_since(db, mailbox_id, f"last {hours:g} h", now - timedelta(hours=hours))]
    nth_newest = _nth_newest_send(db, mailbox_id, limits)
    if nth_newest is not None:
        recent.insert(0, window_since(db, mailbox_id, f"last {limits.window_sends} sends", nth_newest))
    return recent


def check_mailbox(db: Session, mailbox_id: int, settings: Settings, now: datetime,
                  limits: Thresholds | None = None) -> str | None:
    """Pause the mailbox if its figures cross a threshold; return why it paused now. Never commits.

    Judged after every send, so the row is locked only to pause it, and then FOR NO KEY UPDATE: that still
    keeps two workers from pausing it twice, and never waits on (or deadlocks with) the transactions recording
    attempts, whose foreign keys to the mailbox take KEY SHARE locks.
    """
    mailbox = db.get(MailboxDB, mailbox_id)
    if mailbox is None or mailbox.paused_at is not None:
        return None
    limits = limits or thresholds(db, settings)
    if _quiet(db, mailbox_id, limits, now):
        return None
    figures = windows(db, mailbox_id, limits, now)
    reason = pause_reason(figures, limits)
    if reason is None:
        return None
    mailbox = db.get(MailboxDB, mailbox_id, with_for_update={"key_share": True}, populate_existing=True)
    if mailbox is None or mailbox.paused_at is not None:
        return None  # another worker paused it meanwhile
    mailbox.paused_at, mailbox.paused_reason = now, f"paused by the deliverability guard: {reason}"
    # Waiting messages pinned to it go to the campaign's other mailboxes, or wait for one.
    db.execute(update(OutreachMessageDB).where(
        OutreachMessageDB.mailbox == mailbox.name,
        OutreachMessageDB.status.in_((MessageStatus.PENDING, MessageStatus.QUEUED))).values(mailbox=None)
        .execution_options(synchronize_session=False))
    alerts.raise_alert(db, "mailbox.paused", subject=mailbox.name,
                       message=f"Mailbox {mailbox.name} paused itself: {reason}. Resume it once the cause is fixed.",
                       data={"windows": [{**asdict(w), "bounce_rate": w.bounce_rate, "complaint_rate": w.complaint_rate,
                                          "policy_rate": w.policy_rate} for w in figures],
                             "thresholds": asdict(limits)}, now=now)
    return reason


def check_mailboxes(db: Session, mailbox_ids: list[int] | None, settings: Settings, now: datetime,
                    limits: Thresholds | None = None) -> list[str]:
    """Judge these mailboxes (None: every unpaused one) and pause those past a threshold; their names. Never commits.

    `limits`: the thresholds as read a moment ago, if the caller keeps them (default: read now).
    """
    if mailbox_ids is None:
        mailbox_ids = list(db.scalars(select(MailboxDB.id).where(MailboxDB.paused_at.is_(None))
                                      .order_by(MailboxDB.id)))
    limits = limits or thresholds(db, settings)
    paused = []
    for mailbox_id in sorted(set(mailbox_ids)):  # one order for every worker: row locks taken without deadlock
        if check_mailbox(db, mailbox_id, settings, now, limits) is not None:
            mailbox = db.get(MailboxDB, mailbox_id)
            paused.append(mailbox.name if mailbox is not None else str(mailbox_id))
    return paused
