"""Sending and listening together: the worker mails through a local SMTP server, the answers come back into a
real Dovecot inbox, the poller reads them, and the worker then behaves: nothing more to a lead who replied, a
mailbox that bounces too much stops, and mail that is not ours stays where it was."""

import re
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import formatdate

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.inbox.poller import poll_mailbox
from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach.domain import EventKind, MessageStatus, SmtpSecurity
from aicmo.cam.outreach.models import DeliveryEventDB, MailboxDB
from aicmo.cam.outreach.models import OutreachMessageDB as M
from aicmo.cam.outreach.tasks.models import OperatorTaskDB, TaskStatus
from aicmo.cam.worker.loop import Worker, run_accelerated
from aicmo.clock import ManualClock
from aicmo.settings import Settings
from tests.integration.cam.worker.conftest import add_mailbox, clock, new_lead, registry_for, sessions
from tests.support.dovecot import ImapAccount
from tests.support.smtp_server import NO_SUCH_USER, ScriptedSmtpServer, smtp_server

__all__ = ["clock", "sessions", "smtp_server"]

SETTINGS = Settings(secret_key="test-secret", guard_min_sends=2, guard_bounce_rate=0.05)
SEQUENCE = {
    "name": "listening",
    "audience": {"statuses": ["new"]},
    "steps": [
        {"subject": "Quick question, {{ first_name }}", "body": "Hi {{ first_name }}"},
        {"channels": ["linkedin"], "delay_hours": 72, "body": "Connecting after my email."},
        {"channels": ["email"], "delay_hours": 96, "subject": "Re: Quick question", "body": "Following up."},
    ],
    "send_window": {"always": True},
}


def with_inbox(db: Session, server: ScriptedSmtpServer, account: ImapAccount, **extra: object) -> None:
    add_mailbox(db, server, imap_host=account.host, imap_port=account.port, imap_security=SmtpSecurity.NONE,
                imap_username=account.user, imap_password=account.password, **extra)


def reply_to(original: bytes, *, sender: str, text: str) -> bytes:
    sent = message_from_bytes(original)
    reply = EmailMessage()
    reply["From"], reply["To"] = sender, sent["From"]
    reply["Subject"] = f"Re: {sent['Subject']}"
    reply["Date"] = formatdate()
    reply["Message-ID"] = "<reply-1@north.io>"
    reply["In-Reply-To"] = reply["References"] = sent["Message-ID"]
    quoted = "\n".join(f"> {line}" for line in sent.get_payload(decode=True).decode().splitlines())
    reply.set_content(f"{text}\n\nOn Tue, 24 Nov 2026, John Seller wrote:\n{quoted}\n")
    return reply.as_bytes()


def dsn_for(original: bytes, recipient: str) -> bytes:
    """A Postfix-shaped RFC 3464 report about `original`, quoting its headers as Postfix does."""
    sent = message_from_bytes(original)
    headers = re.split(rb"\r?\n\r?\n", original, maxsplit=1)[0].decode(errors="replace")
    return (f"From: MAILER-DAEMON@mx.north.io (Mail Delivery System)\r\n"
            f"To: {sent['From']}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            f"Date: {formatdate()}\r\nMessage-ID: <dsn-1@mx.north.io>\r\nAuto-Submitted: auto-replied\r\n"
            f"MIME-Version: 1.0\r\n"
            f'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
            f"--b1\r\nContent-Type: text/plain\r\n\r\n"
            f"I'm sorry to have to inform you that your message could not be delivered.\r\n\r\n"
            f"<{recipient}>: host mx.north.io said: 550 5.1.1 <{recipient}>: Recipient address rejected: "
            f"User unknown\r\n\r\n"
            f"--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
            f"Reporting-MTA: dns; mx.north.io\r\n\r\n"
            f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            f"Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
            f"--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n{headers}\r\n\r\n--b1--\r\n").encode()


NEWSLETTER = (b"From: news@shop.example\r\nTo: sales@seller.example\r\nSubject: Our autumn sale\r\n"
              b"Message-ID: <news-1@shop.example>\r\nList-Id: <offers.shop.example>\r\n"
              b"List-Unsubscribe: <https://shop.example/u>\r\nPrecedence: bulk\r\n\r\nHuge savings!\r\n")


async def test_after_a_reply_is_polled_the_lead_gets_nothing_more_on_any_channel(
        db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer, clock: ManualClock,
        imap_account: ImapAccount) -> None:
    with_inbox(db, smtp_server, imap_account)
    amy = new_lead(db, email="amy@north.io", first_name="Amy", company_name="North",
                   linkedin_url="https://www.linkedin.com/in/amy-north")
    campaign = campaigns.create(db, SEQUENCE, now=clock.now())
    ops.start_campaign(db, campaign.id, now=clock.now())
    registry = registry_for(sessions)
    try:
        await Worker(sessions, registry, clock=clock, settings=SETTINGS).run(once=True)
        [first] = smtp_server.envelopes
        imap_account.append(NEWSLETTER)
        imap_account.append(reply_to(first.content, sender="Amy <amy@north.io>", text="Yes, let's talk."))

        result = poll_mailbox(sessions, "sales", SETTINGS, clock=clock)
        assert result.error is None and result.kinds == {"reply": 1, "unmatched": 1}

        clock.advance(timedelta(days=10))
        await run_accelerated(Worker(sessions, registry, clock=clock, settings=SETTINGS), clock)
    finally:
        await registry.aclose()
    assert len(smtp_server.envelopes) == 1
    db.expire_all()
    assert db.scalars(select(OperatorTaskDB).where(OperatorTaskDB.status == TaskStatus.OPEN)).all() == []
    statuses = [m.status for m in db.scalars(select(M).where(M.lead_id == amy.id).order_by(M.sequence_step))]
    assert statuses[0] is MessageStatus.REPLIED and set(statuses[1:]) <= {MessageStatus.CANCELLED}
    lead = db.get(LeadDB, amy.id)
    assert lead is not None and lead.status is LeadStatus.REPLIED
    [reply] = ops.list_inbound(db, kind=None, lead_id=amy.id, limit=10)
    assert reply.text == "Yes, let's talk."
    timeline = ops.get_lead_timeline(db, amy.id)
    # "Yes, let's talk." reads as interested: the reply, and the positive-reply outcome it is.
    assert [(e.direction, e.kind, e.intent) for e in timeline] == [
        ("out", "email", None), ("in", "reply", "positive"), ("outcome", "positive_reply", None)]
    assert timeline[1].text == "Yes, let's talk."
    assert imap_account.message_count("INBOX") == 2  # nothing deleted or moved


async def test_bounces_on_the_spot_and_reported_later_both_count_and_pause_the_mailbox(
        db: Session, sessions: sessionmaker[Session], smtp_server: ScriptedSmtpServer, clock: ManualClock,
        imap_account: ImapAccount) -> None:
    with_inbox(db, smtp_server, imap_account, bounce_folder="Bounces")
    smtp_server.scripts["gone@west.io"] = NO_SUCH_USER
    for name in ("amy@north.io", "gone@west.io", "bob@south.io"):
        new_lead(db, email=name, first_name=name[:3].title(), company_name=name.split("@")[1],
                 website=f"https://{name.split('@')[1]}")
    campaign = campaigns.create(db, {**SEQUENCE, "steps": SEQUENCE["steps"][:1]}, now=clock.now())
    ops.start_campaign(db, campaign.id, now=clock.now())
    registry = registry_for(sessions)
    try:
        await Worker(sessions, registry, clock=clock, settings=SETTINGS).run(once=True)
    finally:
        await registry.aclose()
    to_amy = next(e for e in smtp_server.envelopes if e.rcpt_tos == ["amy@north.io"])
    imap_account.append(NEWSLETTER)
    imap_account.append(dsn_for(to_amy.content, "amy@north.io"))

    result = poll_mailbox(sessions, "sales", SETTINGS, clock=clock)

    assert result.kinds == {"bounce": 1, "unmatched": 1} and result.moved == 1
    db.expire_all()
    mailbox = db.scalar(select(MailboxDB).where(MailboxDB.name == "sales"))
    assert mailbox is not None and mailbox.paused_at is not None  # 2 bounces in 3 answered sends
    bounces = db.scalars(select(DeliveryEventDB.message_id).where(
        DeliveryEventDB.kind == EventKind.HARD_BOUNCE, DeliveryEventDB.mailbox_id == mailbox.id)).all()
    assert len(bounces) == 2
    assert imap_account.message_count("INBOX") == 1 and imap_account.message_count("Bounces") == 1
    assert ops.list_alerts(db)[0].kind == "mailbox.paused"
