"""The guard on a real database: figures from stored attempts and events, and the pause it takes."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from aicmo.cam.alerts import service as alerts
from aicmo.cam.deliverability import guard
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.attempts import record_attempt
from aicmo.cam.outreach.domain import Channel, ErrorKind, EventKind, MessageStatus, SendResult
from aicmo.cam.outreach.models import DeliveryEventDB, MailboxDB
from tests.integration.cam.inbox.builders import NOW, SETTINGS, add_mailbox, sent_email, waiting


def bounce_later(db: Session, mailbox: MailboxDB, message_id: str) -> None:
    db.add(DeliveryEventDB(kind=EventKind.HARD_BOUNCE, mailbox_id=mailbox.id, message_id=message_id, occurred_at=NOW))


def test_sends_refused_on_the_spot_and_bounces_reported_later_both_count(db: Session) -> None:
    mailbox = add_mailbox(db)
    sent = [sent_email(db, mailbox, email=f"p{i}@lead{i}.io", website=f"https://lead{i}.io") for i in range(8)]
    bounce_later(db, mailbox, sent[0].id)
    refused = sent_email(db, mailbox, email="gone@lead9.io", website="https://lead9.io")
    record_attempt(db, messages.as_outreach(refused), SendResult.failed(
        Channel.EMAIL, ErrorKind.CHANNEL_FAILED, "550 5.1.1 user unknown", event=EventKind.HARD_BOUNCE,
        mailbox=mailbox.name, target="gone@lead9.io"), now=NOW, sender_id=mailbox.id)
    db.commit()
    window = guard.window_since(db, mailbox.id, "last 24 h", NOW - timedelta(hours=24))
    assert (window.sends, window.bounces, window.complaints) == (10, 2, 0)


def test_a_mailbox_above_the_bounce_threshold_pauses_itself_frees_its_waiting_messages_and_alerts(
        db: Session) -> None:
    mailbox = add_mailbox(db)
    sent = [sent_email(db, mailbox, email=f"p{i}@lead{i}.io", website=f"https://lead{i}.io") for i in range(10)]
    pinned = waiting(db, sent[1].lead_id)
    pinned.mailbox = mailbox.name
    db.commit()
    assert guard.check_mailbox(db, mailbox.id, SETTINGS, NOW) is None  # healthy so far
    bounce_later(db, mailbox, sent[0].id)
    reason = guard.check_mailbox(db, mailbox.id, SETTINGS, NOW)
    db.commit()

    assert reason is not None and "10.0% (1 of 10)" in reason
    db.refresh(mailbox)
    db.refresh(pinned)
    assert mailbox.paused_at is not None and "deliverability guard" in (mailbox.paused_reason or "")
    assert pinned.mailbox is None and pinned.status is MessageStatus.PENDING
    [alert] = alerts.get_all(db)
    assert alert.kind == "mailbox.paused" and alert.subject == "sales" and "10.0%" in alert.message
    assert alert.data["windows"][0]["bounces"] == 1
    # Paused already: no second alert.
    assert guard.check_mailbox(db, mailbox.id, SETTINGS, NOW) is None


def test_complaints_above_the_threshold_pause_the_mailbox(db: Session) -> None:
    mailbox = add_mailbox(db)
    sent = [sent_email(db, mailbox, email=f"p{i}@lead{i}.io", website=f"https://lead{i}.io") for i in range(12)]
    db.add(DeliveryEventDB(kind=EventKind.COMPLAINT, mailbox_id=mailbox.id, message_id=sent[3].id, occurred_at=NOW))
    reason = guard.check_mailbox(db, mailbox.id, SETTINGS, NOW)
    assert reason is not None and reason.startswith("complaint rate 8.33% (1 of 12)")


def test_old_events_fall_out_of_the_window(db: Session) -> None:
    mailbox = add_mailbox(db)
    old = NOW - timedelta(days=3)
    sent = [sent_email(db, mailbox, email=f"p{i}@lead{i}.io", website=f"https://lead{i}.io", when=old)
            for i in range(10)]
    db.add(DeliveryEventDB(kind=EventKind.HARD_BOUNCE, mailbox_id=mailbox.id, message_id=sent[0].id, occurred_at=old))
    db.commit()
    figures = {w.label: (w.sends, w.bounces) for w in guard.windows(db, mailbox.id, guard.configured(SETTINGS), NOW)}
    assert figures["last 24 h"] == (0, 0)


def test_stored_thresholds_override_the_settings_and_a_bad_one_is_refused_naming_it(db: Session) -> None:
    from aicmo import operator_services as ops
    from aicmo.cam.deliverability.schemas import InvalidGuardThresholds

    assert guard.thresholds(db, SETTINGS).bounce_rate == SETTINGS.guard_bounce_rate
    ops.set_guard_thresholds(db, {"bounce_rate": 0.25, "policy_rate": 0.1})
    applied = guard.thresholds(db, SETTINGS)
    assert (applied.bounce_rate, applied.policy_rate, applied.min_sends) == (0.25, 0.1, SETTINGS.guard_min_sends)
    with pytest.raises(InvalidGuardThresholds, match="^min_sends: "):
        ops.set_guard_thresholds(db, {"min_sends": -1})
    ops.set_guard_thresholds(db, {"bounce_rate": None})  # back to its setting
    assert guard.thresholds(db, SETTINGS).bounce_rate == SETTINGS.guard_bounce_rate
