"""The email channel with a real database (SQLite and PostgreSQL): bounces recorded, rates and statuses read back."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.leads.enums import EmailStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadCreate, LeadRead
from aicmo.cam.outreach.attempts import record_attempt
from aicmo.cam.outreach.domain import ErrorKind, EventKind, OutreachMessage, SendStatus, SmtpSecurity
from aicmo.cam.outreach.email.channel import EmailOutreachService
from aicmo.cam.outreach.models import DeliveryEventDB, MailboxDB, OutreachAttemptDB
from aicmo.db.base import utcnow
from aicmo.db.engine import make_session_factory
from tests.factories import make_lead
from tests.integration.cam.outreach.email.builders import SETTINGS
from tests.support.smtp_server import NO_SUCH_USER, ScriptedSmtpServer


@pytest.fixture
async def channel(engine: Engine, db: Session, smtp_server: ScriptedSmtpServer) -> AsyncIterator[EmailOutreachService]:
    db.add(MailboxDB(name="sales", from_address="sales@seller.example", from_name="John Seller",
                     smtp_host=smtp_server.host, smtp_port=smtp_server.port, smtp_security=SmtpSecurity.NONE))
    db.commit()
    service = EmailOutreachService.from_db(make_session_factory(engine), settings=SETTINGS)
    yield service
    await service.aclose()


def new_lead(db: Session, email: str, last_name: str) -> LeadRead:
    return ops.create_lead(db, LeadCreate(**make_lead(email=email, last_name=last_name)))


async def send_and_record(db: Session, channel: EmailOutreachService, lead: LeadRead) -> OutreachMessage:
    message = OutreachMessage(lead_id=lead.id, subject="Hello", body="Hi")
    record_attempt(db, message, await channel.send(message, lead))
    db.commit()
    return message


async def test_a_550_5_1_1_marks_the_email_invalid_and_records_a_hard_bounce(
        db: Session, channel: EmailOutreachService, smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["gone@acme.io"] = NO_SUCH_USER
    lead = new_lead(db, "gone@acme.io", "Gone")
    message = OutreachMessage(lead_id=lead.id, subject="Hello", body="Hi")
    result = await channel.send(message, lead)
    record_attempt(db, message, result)
    db.commit()

    assert (result.status, result.error_kind, result.event) == (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED,
                                                                EventKind.HARD_BOUNCE)
    db.expire_all()
    assert db.get(LeadDB, lead.id).email_status is EmailStatus.INVALID  # type: ignore[union-attr]
    event = db.scalars(select(DeliveryEventDB)).one()
    attempt = db.scalars(select(OutreachAttemptDB)).one()
    sales = db.scalars(select(MailboxDB)).one()
    assert (event.kind, event.lead_id, event.mailbox_id, event.message_id) == (EventKind.HARD_BOUNCE, lead.id,
                                                                              sales.id, message.id)
    assert (attempt.response_code, attempt.provider_message_id) == (550, result.provider_message_id)
    assert "marked invalid" in (channel.can_reach(ops.get_lead(db, lead.id)) or "")


async def test_the_bounce_rate_counts_hard_bounces_per_send_of_the_mailbox_in_the_window(
        db: Session, channel: EmailOutreachService, smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["gone@acme.io"] = NO_SUCH_USER
    assert channel.get_bounce_rate("sales") == 0.0
    await send_and_record(db, channel, new_lead(db, "gone@acme.io", "Gone"))
    assert channel.get_bounce_rate("sales") == 1.0
    for i in range(3):
        await send_and_record(db, channel, new_lead(db, f"lead{i}@acme.io", f"Lead{i}"))

    assert channel.get_bounce_rate("sales") == 0.25
    assert channel.get_bounce_rate("nobody") == 0.0
    old = utcnow() - timedelta(days=3)
    for attempt in db.scalars(select(OutreachAttemptDB)):
        attempt.started_at = old
    for event in db.scalars(select(DeliveryEventDB)):
        event.occurred_at = old
    db.commit()
    assert channel.get_bounce_rate("sales") == 0.0
    assert channel.get_bounce_rate("sales", window=timedelta(days=7)) == 0.25


async def test_the_complaint_rate_counts_complaints_about_the_mailboxs_sends(
        db: Session, channel: EmailOutreachService) -> None:
    first = await send_and_record(db, channel, new_lead(db, "a@acme.io", "A"))
    await send_and_record(db, channel, new_lead(db, "b@acme.io", "B"))
    assert channel.get_complaint_rate("sales") == 0.0
    sales = db.scalars(select(MailboxDB)).one()
    db.add(DeliveryEventDB(kind=EventKind.COMPLAINT, lead_id=first.lead_id, mailbox_id=sales.id,
                           message_id=first.id))
    db.commit()

    assert channel.get_complaint_rate("sales") == 0.5
    assert channel.get_bounce_rate("sales") == 0.0


async def test_check_status_reports_the_latest_event_about_a_sent_message(
        db: Session, channel: EmailOutreachService, smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["gone@acme.io"] = NO_SUCH_USER
    bounced_lead = new_lead(db, "gone@acme.io", "Gone")
    bounced = OutreachMessage(lead_id=bounced_lead.id, subject="Hello", body="Hi")
    bounce = await channel.send(bounced, bounced_lead)
    record_attempt(db, bounced, bounce)
    fine_lead = new_lead(db, "fine@acme.io", "Fine")
    fine = OutreachMessage(lead_id=fine_lead.id, subject="Hello", body="Hi")
    sent = await channel.send(fine, fine_lead)
    attempt_id = record_attempt(db, fine, sent)
    db.commit()
    assert bounce.provider_message_id and sent.provider_message_id

    status = await channel.check_status(bounce.provider_message_id)
    assert status is not None
    assert (status.status, status.error_kind, status.event) == (SendStatus.FAILED, ErrorKind.CHANNEL_FAILED,
                                                                EventKind.HARD_BOUNCE)
    assert (status.mailbox, status.target, status.response_code) == ("sales", "gone@acme.io", 550)
    assert await channel.check_status(sent.provider_message_id) is None
    assert await channel.check_status("<unknown@seller.example>") is None

    db.add(DeliveryEventDB(kind=EventKind.DELIVERED, lead_id=fine.lead_id, attempt_id=attempt_id,
                           message_id=fine.id, detail="relayed"))
    db.commit()
    delivered = await channel.check_status(sent.provider_message_id)
    assert delivered is not None and (delivered.status, delivered.event) == (SendStatus.SENT, EventKind.DELIVERED)
    db.add(DeliveryEventDB(kind=EventKind.REPLY, lead_id=fine.lead_id, message_id=fine.id, detail="thanks!"))
    db.commit()
    replied = await channel.check_status(sent.provider_message_id)
    assert replied is not None and (replied.event, replied.detail) == (EventKind.REPLY, "thanks!")


async def test_mailboxes_load_from_the_database_with_their_settings(db: Session, engine: Engine) -> None:
    db.add(MailboxDB(name="outbound", from_address="o@seller.example", smtp_host="smtp.seller.example",
                     smtp_port=465, smtp_security=SmtpSecurity.TLS, smtp_username="o", smtp_password="pw",
                     daily_cap=80, signature_text="O", enabled=False))
    db.commit()
    [loaded] = EmailOutreachService.from_db(make_session_factory(engine), settings=SETTINGS).mailboxes
    assert (loaded.name, loaded.smtp_port, loaded.smtp_security, loaded.daily_cap) == ("outbound", 465,
                                                                                        SmtpSecurity.TLS, 80)
    assert (loaded.smtp_password, loaded.signature_text, loaded.available, loaded.dkim) == ("pw", "O", False, None)
