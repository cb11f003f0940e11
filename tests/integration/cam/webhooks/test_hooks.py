"""Each event is emitted where it happens, in that transaction: grading, replies, bounces, unsubscribes, tasks."""

from importlib.resources import files
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.inbox.effects import Origin, apply
from aicmo.cam.inbox.events import InboundEvent, InboundKind
from aicmo.cam.leads.importer import ImportOptions, import_leads
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadCreate, LeadUpdate
from aicmo.cam.outreach.tasks import store as tasks
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind, TaskKind
from aicmo.cam.suppression import service as suppression
from tests.factories import make_lead
from tests.integration.cam.inbox.builders import NOW, SETTINGS, add_mailbox, sent_email
from tests.integration.cam.webhooks.conftest import deliveries

EXAMPLE = "https://crm.example.com/hooks/aicmo"
IMAP = Origin("imap", None, "INBOX", 1, None)


def ref(message_id: str) -> tuple[str, ...]:
    return (f"{message_id}@seller.example",)


def payloads(db: Session, event: str) -> list[dict[str, object]]:
    return [row.payload for row in deliveries(db) if row.event == event]


def test_a_new_lead_is_graded_and_a_regrade_counts_only_when_the_grade_changes(db: Session) -> None:
    ops.create_webhook_subscription(db, EXAMPLE, ["lead.graded"])
    lead = ops.create_lead(db, LeadCreate(**make_lead()))
    ops.update_lead(db, lead.id, LeadUpdate(city="Boston"))
    ops.update_lead(db, lead.id, LeadUpdate(title="Intern"))

    first, second = payloads(db, "lead.graded")
    assert first["previous_grade"] is None
    assert first["lead"] == {"id": lead.id, "email": "jane@acme.io", "first_name": "Jane", "last_name": "Doe",
                             "name": "Jane Doe", "title": "VP Engineering", "company": "Acme",
                             "company_domain": "acme.io", "grade": "C", "score": 55, "status": "new"}
    assert second["previous_grade"] == "C" and second["lead"]["grade"] == "D"  # type: ignore[index]


def test_regrading_everything_emits_only_for_leads_whose_grade_changed(db: Session, tmp_path: Path) -> None:
    ops.create_lead(db, LeadCreate(**make_lead()))
    ops.create_lead(db, LeadCreate(**make_lead(email="max@initech.com", first_name="Max", company_name="Initech",
                                               website="https://initech.com", title="Intern")))
    ops.create_webhook_subscription(db, EXAMPLE, ["lead.graded"])
    shipped = files("aicmo.cam.grading").joinpath("default_profile.toml").read_text()
    generous = tmp_path / "generous.toml"  # Jane's 55 becomes a B; the intern's 0 stays a D
    generous.write_text(shipped.replace("B = 60", "B = 50"))

    assert ops.grade_leads(db, profile_path=generous) == 2

    (changed,) = payloads(db, "lead.graded")
    assert (changed["previous_grade"], changed["lead"]["grade"], changed["lead"]["email"]) == (  # type: ignore[index]
        "C", "B", "jane@acme.io")


def test_a_reply_emits_message_replied_with_the_message_the_lead_and_the_reply(db: Session) -> None:
    ops.create_webhook_subscription(db, EXAMPLE, ["message.replied"])
    sent = sent_email(db, add_mailbox(db))
    apply(db, InboundEvent(InboundKind.REPLY, references=ref(sent.id), address="jane@acme.io",
                           subject="Re: Quick question", text="Call me Tuesday."), IMAP, SETTINGS, NOW)
    db.commit()

    (replied,) = payloads(db, "message.replied")
    assert replied["message"] == {"id": sent.id, "campaign_id": None, "channel": "email",
                                  "subject": "Quick question", "status": "replied", "sequence_step": 0,
                                  "variant": None}
    assert replied["lead"]["status"] == "replied"  # type: ignore[index]
    assert replied["reply"] == {"subject": "Re: Quick question", "text": "Call me Tuesday.",
                                "received_at": NOW.isoformat()}


def test_a_hard_bounce_emits_message_bounced_and_a_soft_one_does_not(db: Session) -> None:
    ops.create_webhook_subscription(db, EXAMPLE, ["message.bounced"])
    mailbox = add_mailbox(db)
    soft = sent_email(db, mailbox, email="max@initech.com", first_name="Max", website="https://initech.com")
    hard = sent_email(db, mailbox)
    for message, is_hard in ((soft, False), (hard, True)):
        apply(db, InboundEvent(InboundKind.BOUNCE, references=ref(message.id), address=None, hard=is_hard,
                               status_code="5.1.1" if is_hard else "4.2.2"), IMAP, SETTINGS, NOW)
    db.commit()

    (bounced,) = payloads(db, "message.bounced")
    assert bounced["message"]["id"] == hard.id and bounced["message"]["status"] == "bounced"  # type: ignore[index]
    assert bounced["bounce"] == {"channel": "email", "hard": True, "detail": "bounced: 5.1.1"}


def test_an_unsubscribe_emits_lead_unsubscribed_once_however_often_it_arrives(db: Session) -> None:
    ops.create_webhook_subscription(db, EXAMPLE, ["lead.unsubscribed"])
    sent = sent_email(db, add_mailbox(db))
    apply(db, InboundEvent(InboundKind.UNSUBSCRIBE, references=ref(sent.id), detail="List-Unsubscribe mail"),
          IMAP, SETTINGS, NOW)
    db.commit()
    suppression.unsubscribe(db, lead_id=sent.lead_id, message_id=sent.id, source="link", now=NOW)
    db.commit()

    (unsubscribed,) = payloads(db, "lead.unsubscribed")
    assert unsubscribed["lead"]["id"] == sent.lead_id  # type: ignore[index]
    assert unsubscribed["lead"]["status"] == "unsubscribed"  # type: ignore[index]
    assert (unsubscribed["message_id"], unsubscribed["source"]) == (sent.id, "imap: List-Unsubscribe mail")


def test_a_new_linkedin_task_emits_task_created_with_what_is_needed_to_do_it(db: Session) -> None:
    ops.create_webhook_subscription(db, EXAMPLE, ["task.created"])
    lead = db.get(LeadDB, ops.create_lead(db, LeadCreate(**make_lead(
        linkedin_url="https://www.linkedin.com/in/jane-doe"))).id)
    assert lead is not None
    task = tasks.add(db, lead, TaskKind.LINKEDIN, action=LinkedInTaskKind.CONNECTION_REQUEST, provider="tasks",
                     body="Hi Jane", url=lead.linkedin_url or "", message_id="m-1", campaign_id=None)
    db.commit()

    (created,) = payloads(db, "task.created")
    assert created["task"] == {"id": task.id, "kind": "connection_request", "provider": "tasks",
                               "profile_url": "https://www.linkedin.com/in/jane-doe/", "note": "Hi Jane",
                               "status": "open", "message_id": "m-1", "campaign_id": None}
    assert created["lead"]["email"] == "jane@acme.io"  # type: ignore[index]


def test_a_file_import_announces_each_new_lead_and_each_grade_it_changed(db: Session, tmp_path: Path) -> None:
    ops.create_lead(db, LeadCreate(**make_lead(title="Intern")))  # stored as a D
    ops.create_webhook_subscription(db, EXAMPLE, ["lead.graded"])
    header = "First Name,Last Name,Email,Title,Company,Website\n"
    first = tmp_path / "first.csv"
    first.write_text(header + "Jane,Doe,jane@acme.io,VP Engineering,Acme,https://acme.io\n"
                     "Max,Muster,max@initech.com,Intern,Initech,https://initech.com\n", "utf-8")

    import_leads(db, first, ImportOptions(update=True))
    graded = {p["lead"]["email"]: p for p in payloads(db, "lead.graded")}  # type: ignore[index]
    assert set(graded) == {"jane@acme.io", "max@initech.com"}
    jane, max_ = graded["jane@acme.io"], graded["max@initech.com"]
    assert (jane["previous_grade"], jane["lead"]["grade"]) == ("D", "C")  # type: ignore[index]
    assert max_["previous_grade"] is None and max_["lead"]["grade"] == "D"  # type: ignore[index]
    assert max_["lead"]["id"] == db.scalar(select(LeadDB.id).where(LeadDB.email == "max@initech.com"))  # type: ignore[index]

    import_leads(db, first, ImportOptions(update=True))  # the same file again: no grade changes
    assert len(payloads(db, "lead.graded")) == 2
