"""What each incoming event changes, on SQLite and PostgreSQL."""

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.inbox.effects import Origin, apply
from aicmo.cam.inbox.events import InboundEvent, InboundKind
from aicmo.cam.inbox.models import InboundMessageDB
from aicmo.cam.leads.enums import EmailStatus, LeadStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, EventKind, MessageStatus
from aicmo.cam.outreach.models import DeliveryEventDB
from aicmo.cam.outreach.tasks import store as tasks
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind, OperatorTaskDB, TaskKind, TaskStatus
from aicmo.cam.suppression.models import SuppressionDB
from tests.factories import make_lead
from tests.integration.cam.inbox.builders import NOW, SETTINGS, add_mailbox, sent_email, waiting

IMAP = Origin("imap", None, "INBOX", 1, None)


def ref(message_id: str) -> tuple[str, ...]:
    return (f"{message_id}@seller.example",)


def test_a_reply_marks_the_message_replied_and_cancels_every_waiting_step_and_open_task(db: Session) -> None:
    mailbox = add_mailbox(db)
    sent = sent_email(db, mailbox)
    later = waiting(db, sent.lead_id)
    lead = db.get(LeadDB, sent.lead_id)
    assert lead is not None
    lead.linkedin_url = "https://www.linkedin.com/in/jane/"
    handed_over = waiting(db, sent.lead_id, step=2)
    messages.set_status(handed_over, MessageStatus.SENT, NOW)
    task = tasks.add(db, lead, TaskKind.LINKEDIN, action=LinkedInTaskKind.CONNECTION_REQUEST, provider="tasks",
                     body="Hi", url=lead.linkedin_url or "", message_id=handed_over.id, campaign_id=None)
    db.commit()
    reply = InboundEvent(InboundKind.REPLY, references=ref(sent.id), address="jane@acme.io",
                         subject="Re: Quick question", text="Sounds good, call me Tuesday.",
                         rfc_message_id="r1@acme.io")

    record = apply(db, reply, IMAP, SETTINGS, NOW)
    db.commit()

    assert record is not None and record.kind is InboundKind.REPLY and record.text == "Sounds good, call me Tuesday."
    for row in (sent, later, lead, task, handed_over):
        db.refresh(row)
    assert sent.status is MessageStatus.REPLIED and sent.replied_at is not None
    assert later.status is MessageStatus.CANCELLED
    assert task.status is TaskStatus.CANCELLED and handed_over.status is MessageStatus.CANCELLED
    assert lead.status is LeadStatus.REPLIED
    assert db.scalar(select(DeliveryEventDB.kind).where(DeliveryEventDB.message_id == sent.id)) is EventKind.REPLY


def test_the_same_mail_applied_twice_changes_nothing_the_second_time(db: Session) -> None:
    mailbox = add_mailbox(db)
    sent = sent_email(db, mailbox)
    reply = InboundEvent(InboundKind.REPLY, references=ref(sent.id), rfc_message_id="r1@acme.io")
    origin = Origin("imap", mailbox.id, "INBOX", 7, 42)
    assert apply(db, reply, origin, SETTINGS, NOW) is not None
    db.commit()
    assert apply(db, reply, origin, SETTINGS, NOW) is None
    assert db.scalar(select(func.count()).select_from(InboundMessageDB)) == 1


def test_a_reply_without_headers_is_matched_by_its_sender_and_thread_subject(db: Session) -> None:
    sent = sent_email(db, add_mailbox(db))
    reply = InboundEvent(InboundKind.REPLY, address="Jane@Acme.io", subject="AW: RE: quick  question")
    record = apply(db, reply, IMAP, SETTINGS, NOW)
    assert record is not None and record.message_id == sent.id and record.kind is InboundKind.REPLY


def test_mail_that_refers_to_nothing_of_ours_is_only_counted(db: Session) -> None:
    sent_email(db, add_mailbox(db))
    stranger = InboundEvent(InboundKind.REPLY, references=("abc@elsewhere.example",), address="bob@else.example",
                            subject="Re: your invoice", text="private words")
    record = apply(db, stranger, IMAP, SETTINGS, NOW)
    assert record is not None and record.kind is InboundKind.UNMATCHED
    assert record.lead_id is None and record.text is None


def test_a_stop_on_reply_campaign_cancels_the_whole_company(db: Session) -> None:
    campaign = ops.create_campaign(db, {"name": "q4", "steps": [{"body": "Hi"}],
                                        "stop_company_on_reply": True})
    mailbox = add_mailbox(db)
    sent = sent_email(db, mailbox, campaign_id=campaign.id, company_domain="acme.io")
    colleague = ops.create_lead(db, LeadCreate(**make_lead(email="max@acme.io", first_name="Max")))
    theirs = waiting(db, colleague.id, step=0, campaign_id=campaign.id)
    apply(db, InboundEvent(InboundKind.REPLY, references=ref(sent.id)), IMAP, SETTINGS, NOW)
    db.commit()
    db.refresh(theirs)
    assert theirs.status is MessageStatus.CANCELLED


def test_an_auto_reply_keeps_the_sequence_but_waits_for_the_return_date(db: Session) -> None:
    sent = sent_email(db, add_mailbox(db))
    soon = waiting(db, sent.lead_id, due=NOW + timedelta(days=1))
    apply(db, InboundEvent(InboundKind.AUTO_REPLY, references=ref(sent.id), return_date=date(2026, 12, 7)),
          IMAP, SETTINGS, NOW)
    db.commit()
    db.refresh(sent)
    db.refresh(soon)
    assert sent.status is MessageStatus.SENT
    assert soon.status is MessageStatus.PENDING
    assert soon.next_attempt_at is not None and soon.next_attempt_at.date() == date(2026, 12, 7)


def test_a_hard_bounce_invalidates_the_address_and_falls_back_to_the_next_channel(db: Session) -> None:
    sent = sent_email(db, add_mailbox(db))
    bounce = InboundEvent(InboundKind.BOUNCE, references=ref(sent.id), address="jane@acme.io", hard=True,
                          status_code="5.1.1", diagnostic="user unknown")
    apply(db, bounce, IMAP, SETTINGS, NOW)
    db.commit()
    db.refresh(sent)
    lead = db.get(LeadDB, sent.lead_id)
    assert lead is not None and lead.email_status is EmailStatus.INVALID
    assert sent.bounced_at is not None
    assert sent.status is MessageStatus.PENDING and sent.channel is Channel.LINKEDIN
    assert db.scalar(select(DeliveryEventDB.kind).where(DeliveryEventDB.message_id == sent.id)) is \
        EventKind.HARD_BOUNCE


def test_a_hard_bounce_with_no_channel_left_ends_bounced(db: Session) -> None:
    sent = sent_email(db, add_mailbox(db), channels=(Channel.EMAIL,))
    apply(db, InboundEvent(InboundKind.BOUNCE, address="jane@acme.io", hard=True, status_code="5.1.1"), IMAP,
          SETTINGS, NOW)
    db.commit()
    db.refresh(sent)
    assert sent.status is MessageStatus.BOUNCED


def test_a_soft_bounce_sends_again_on_the_same_channel_after_a_backoff(db: Session) -> None:
    sent = sent_email(db, add_mailbox(db))
    apply(db, InboundEvent(InboundKind.BOUNCE, references=ref(sent.id), hard=False, status_code="4.2.2"), IMAP,
          SETTINGS, NOW)
    db.commit()
    db.refresh(sent)
    lead = db.get(LeadDB, sent.lead_id)
    assert sent.status is MessageStatus.PENDING and sent.channel is Channel.EMAIL and sent.channel_attempts == 1
    assert sent.next_attempt_at is not None and sent.next_attempt_at >= NOW
    assert lead is not None and lead.email_status is not EmailStatus.INVALID


def test_a_complaint_makes_the_lead_do_not_contact_and_suppresses_the_address(db: Session) -> None:
    sent = sent_email(db, add_mailbox(db))
    later = waiting(db, sent.lead_id)
    apply(db, InboundEvent(InboundKind.COMPLAINT, references=ref(sent.id), address="jane@acme.io"), IMAP,
          SETTINGS, NOW)
    db.commit()
    db.refresh(later)
    lead = db.get(LeadDB, sent.lead_id)
    assert lead is not None and lead.status is LeadStatus.DO_NOT_CONTACT
    assert later.status is MessageStatus.CANCELLED
    assert db.scalar(select(SuppressionDB.reason).where(SuppressionDB.value == "jane@acme.io")) == "complaint"


def test_an_unsubscribe_reply_suppresses_and_cancels(db: Session) -> None:
    sent = sent_email(db, add_mailbox(db))
    later = waiting(db, sent.lead_id)
    apply(db, InboundEvent(InboundKind.UNSUBSCRIBE, references=ref(sent.id), address="jane@acme.io"), IMAP,
          SETTINGS, NOW)
    db.commit()
    db.refresh(later)
    lead = db.get(LeadDB, sent.lead_id)
    assert lead is not None and lead.status is LeadStatus.UNSUBSCRIBED
    assert later.status is MessageStatus.CANCELLED
    assert db.scalar(select(SuppressionDB.reason).where(SuppressionDB.value == "jane@acme.io")) == "unsubscribe"


def test_a_delivery_report_moves_sent_to_delivered(db: Session) -> None:
    sent = sent_email(db, add_mailbox(db))
    apply(db, InboundEvent(InboundKind.DELIVERED, references=(sent.provider_message_id or "",),
                           provider_event_id="d-1"), Origin("ses"), SETTINGS, NOW)
    db.commit()
    db.refresh(sent)
    assert sent.status is MessageStatus.DELIVERED


def test_open_linkedin_tasks_of_other_leads_are_left_alone(db: Session) -> None:
    mailbox = add_mailbox(db)
    sent = sent_email(db, mailbox)
    other = sent_email(db, mailbox, email="bob@beta.io", first_name="Bob", website="https://beta.io")
    lead = db.get(LeadDB, other.lead_id)
    assert lead is not None
    task = tasks.add(db, lead, TaskKind.LINKEDIN, action=LinkedInTaskKind.MESSAGE, provider="tasks", body="Hi",
                     url=lead.linkedin_url or "", message_id=waiting(db, other.lead_id).id, campaign_id=None)
    db.commit()
    apply(db, InboundEvent(InboundKind.REPLY, references=ref(sent.id)), IMAP, SETTINGS, NOW)
    db.commit()
    assert db.scalar(select(OperatorTaskDB.status).where(OperatorTaskDB.id == task.id)) is TaskStatus.OPEN
