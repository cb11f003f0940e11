"""`mailbox_status`: each mailbox's state, today's sends, the deliverability guard's windows and its inbox's last
poll, read from real rows on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.analytics.mailbox_status import GuardWindow, MailboxStatus, mailbox_status
from aicmo.cam.deliverability.schemas import GuardThresholds
from aicmo.cam.inbox.models import InboxStateDB
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach.domain import Channel, EventKind, SendStatus
from aicmo.cam.outreach.email import mailboxes
from aicmo.cam.outreach.models import DeliveryEventDB, OutreachAttemptDB
from aicmo.settings import Settings
from tests.factories import make_lead

T = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
HOUR, MINUTES_5 = timedelta(hours=1), timedelta(minutes=5)
SETTINGS = Settings(guard_window_sends=8, guard_window_hours=24, guard_bounce_rate=0.05, guard_complaint_rate=0.003,
                    guard_min_sends=5)


def attempt(db: Session, lead_id: int, mailbox_id: int, when: datetime, status: SendStatus = SendStatus.SENT,
            channel: Channel = Channel.EMAIL) -> OutreachAttemptDB:
    row = OutreachAttemptDB(lead_id=lead_id, channel=channel, mailbox_id=mailbox_id, status=status,
                            target="jane@acme.io", started_at=when)
    db.add(row)
    db.flush()
    return row


def event(db: Session, lead_id: int, mailbox_id: int, kind: EventKind, when: datetime,
          attempt_id: int | None = None) -> None:
    db.add(DeliveryEventDB(kind=kind, lead_id=lead_id, mailbox_id=mailbox_id, attempt_id=attempt_id,
                           occurred_at=when))


def seed(db: Session) -> None:
    """sales: sends, bounces and a complaint, read over IMAP; ops: warming up and paused; off: disabled, unread."""
    lead_id = ops.create_lead(db, LeadCreate(**make_lead())).id
    sales = mailboxes.create_mailbox(db, {"name": "sales", "from_address": "sales@seller.example",
                                          "smtp_host": "smtp.seller.example", "imap_host": "imap.seller.example"})
    mailboxes.create_mailbox(db, {"name": "ops", "from_address": "ops@seller.example", "smtp_host": "smtp.example",
                                  "warmup_start": 10, "warmup_increment": 5}, now=T - 2 * 24 * HOUR)
    off = mailboxes.create_mailbox(db, {"name": "off", "from_address": "off@seller.example", "enabled": False,
                                        "smtp_host": "smtp.example", "imap_host": "imap.example",
                                        "imap_folder": "Sales"})
    for _ in range(8):
        attempt(db, lead_id, sales.id, T - HOUR)  # sent today
    for _ in range(2):
        attempt(db, lead_id, sales.id, T - 20 * HOUR)  # sent yesterday, within the last 24 hours
    for _ in range(5):
        attempt(db, lead_id, sales.id, T - 30 * HOUR)  # before the window
    attempt(db, lead_id, sales.id, T - HOUR, SendStatus.FAILED)  # no answer from the server: not a send
    attempt(db, lead_id, sales.id, T - HOUR, channel=Channel.LINKEDIN)  # not email
    refused = attempt(db, lead_id, sales.id, T - 2 * HOUR, SendStatus.FAILED)  # refused on the spot: a send
    event(db, lead_id, sales.id, EventKind.HARD_BOUNCE, T - 2 * HOUR, attempt_id=refused.id)
    event(db, lead_id, sales.id, EventKind.HARD_BOUNCE, T - 3 * HOUR)  # reported later by a DSN
    event(db, lead_id, sales.id, EventKind.HARD_BOUNCE, T - 40 * HOUR)  # before the window
    event(db, lead_id, sales.id, EventKind.SOFT_BOUNCE, T - HOUR)  # not a bounce the guard counts
    event(db, lead_id, sales.id, EventKind.COMPLAINT, T - HOUR)
    attempt(db, lead_id, off.id, T - HOUR)
    db.add_all([InboxStateDB(mailbox_id=sales.id, folder="INBOX", last_uid=7, last_polled_at=T - MINUTES_5,
                             last_error="imap.seller.example:993: login refused"),
                InboxStateDB(mailbox_id=sales.id, folder="Old", last_uid=1, last_polled_at=T)])  # not read now
    mailboxes.pause_mailbox(db, "ops", "paused by the deliverability guard: bounce rate 9.0%", T - HOUR)
    db.commit()


def window(label: str, sends: int, bounces: int, complaints: int) -> GuardWindow:
    return GuardWindow(label=label, sends=sends, bounces=bounces, complaints=complaints,
                       bounce_rate=bounces / sends if sends else 0.0,
                       complaint_rate=complaints / sends if sends else 0.0,
                       bounce_rate_over=bool(sends) and bounces / sends > 0.05,
                       complaint_rate_over=bool(sends) and complaints / sends > 0.003)


def test_each_mailbox_shows_its_state_sends_guard_windows_and_inbox(db: Session) -> None:
    seed(db)
    sales, ops_box, off = mailbox_status(db, settings=SETTINGS, now=T)

    # The 8 newest sends all went an hour ago: since then 8 sends, no hard bounce, 1 complaint. Over 24 hours:
    # 10 sent plus 1 refused on the spot, 2 hard bounces (that one and a DSN), 1 complaint.
    assert sales.thresholds == GuardThresholds(bounce_rate=0.05, complaint_rate=0.003, policy_rate=0.02,
                                               min_sends=5, window_sends=8, window_hours=24)
    assert sales.model_copy(update={"thresholds": None}) == MailboxStatus(
        name="sales", enabled=True, paused_at=None, paused_reason=None, sent_today=8, cap_today=50,
        windows=[window("last 8 sends", 8, 0, 1), window("last 24 h", 11, 2, 1)],
        imap_host="imap.seller.example", imap_port=993, imap_folder="INBOX", last_polled_at=T - MINUTES_5,
        last_error="imap.seller.example:993: login refused")
    assert [(w.bounce_rate_over, w.complaint_rate_over) for w in sales.windows] == [(False, True), (True, True)]
    assert (sales.state, sales.inbox) == ("active", True)

    assert (ops_box.state, ops_box.paused_at, ops_box.paused_reason) == (
        "paused", T - HOUR, "paused by the deliverability guard: bounce rate 9.0%")
    assert (ops_box.sent_today, ops_box.cap_today, ops_box.windows) == (0, 20, [window("last 24 h", 0, 0, 0)])
    assert (ops_box.inbox, ops_box.imap_host, ops_box.last_polled_at, ops_box.last_error) == (False, None, None, None)

    assert (off.state, off.sent_today, off.inbox, off.imap_folder, off.last_polled_at) == (
        "disabled", 1, True, "Sales", None)


def test_the_rates_are_judged_against_the_configured_thresholds(db: Session) -> None:
    seed(db)
    lenient = SETTINGS.model_copy(update={"guard_bounce_rate": 0.2, "guard_complaint_rate": 0.1})
    sales = mailbox_status(db, settings=lenient, now=T)[0]
    # 1 complaint in 8 sends is 12.5%, above 10%; 2 bounces in 11 are 18.2%, under 20%; 1 in 11 is 9.1%.
    assert [(w.bounce_rate_over, w.complaint_rate_over) for w in sales.windows] == [(False, True), (False, False)]


def test_the_operator_function_reads_the_same_and_dumps_to_json(db: Session) -> None:
    seed(db)
    [row] = [row for row in ops.mailbox_status(db, now=T) if row.name == "ops"]
    dumped = row.model_dump(mode="json")
    assert (dumped["state"], dumped["inbox"], dumped["cap_today"]) == ("paused", False, 20)
    assert MailboxStatus.model_validate(dumped) == row
    assert ops.mailbox_status(db, now=T + 30 * 24 * HOUR)[0].windows[-1].sends == 0  # a month later
