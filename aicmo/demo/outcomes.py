"""The demo's leads answering, and what the sales team makes of it: replies that come back by mail and go through
the inbox like any other, meetings the team logs, and the deals export their CRM hands back.

Who answers, and how, is decided by a hash of the lead, so every run tells the same story.
"""

import csv
import hashlib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.inbox.intent import ReplyIntent
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate, OutcomeImportResult
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.settings import Settings

ANSWERS = [
    "Sounds interesting, can we book a call next week?",
    "Happy to chat. What times work for you on Thursday?",
    "Not interested, thanks.",
    "Not right now, maybe next quarter.",
    "I'm not the right person, please talk to my colleague in IT.",
    "Thanks, we already use a tool for this.",
]
DEAL_VALUE = {"A": 9600, "B": 4800, "C": 2400, "D": 1200}  # EUR, a year of the plan each grade tends to buy


def _pick(value: str, n: int) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=4).digest(), "big") % n


def _reply(sender: str, lead: LeadDB, message: OutreachMessageDB, text: str, at: datetime) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"] = f"{lead.first_name or ''} {lead.last_name or ''} <{lead.email}>".strip(), sender
    mail["Subject"] = f"Re: {message.subject or ''}"
    mail["Date"], mail["Message-ID"] = format_datetime(at), make_msgid(domain=lead.company_domain or "lead.example")
    mail["In-Reply-To"] = mail["References"] = message.provider_message_id or ""
    mail.set_content(f"{text}\n\nOn {format_datetime(message.sent_at or at)}, you wrote:\n> {message.body[:60]}\n")
    return mail.as_bytes()


def answer_the_days_email(db: Session, campaign_id: int, sender: str, since: datetime, until: datetime,
                          settings: Settings) -> int:
    """One lead in five answers an email it got in [since, until), a few hours later; return how many did."""
    sent = db.execute(select(OutreachMessageDB, LeadDB).join(LeadDB, LeadDB.id == OutreachMessageDB.lead_id).where(
        OutreachMessageDB.campaign_id == campaign_id, OutreachMessageDB.channel == Channel.EMAIL,
        OutreachMessageDB.status == MessageStatus.SENT, OutreachMessageDB.sent_at >= since,
        OutreachMessageDB.sent_at < until)).all()
    answered = 0
    for message, lead in sent:
        if _pick(f"answers:{lead.id}", 5) or not lead.email:
            continue
        at = (message.sent_at or since) + timedelta(hours=3 + _pick(f"after:{lead.id}", 20))
        text = ANSWERS[_pick(f"says:{lead.id}", len(ANSWERS))]
        ops.take_incoming_mail(db, _reply(sender, lead, message, text, at), source="demo", now=at, settings=settings)
        answered += 1
    return answered


def log_meetings_and_export_deals(db: Session, deals_file: Path) -> tuple[int, OutcomeImportResult]:
    """The team books a meeting with every interested lead two days on, and their CRM's deals export (one deal
    per meeting: won, lost or still open) is imported; return the meetings and the import's result."""
    interested = ops.list_inbound(db, limit=100_000)
    rows = []
    meetings = 0
    for reply in sorted((r for r in interested if r.intent is ReplyIntent.POSITIVE and r.lead_id),
                        key=lambda r: r.id):
        assert reply.lead_id is not None
        lead = db.get(LeadDB, reply.lead_id)
        assert lead is not None
        met = reply.received_at + timedelta(days=2)
        ops.add_outcome(db, OutcomeCreate(lead_id=lead.id, kind=OutcomeKind.MEETING, occurred_at=met,
                                          note="discovery call"))
        meetings += 1
        stage = ("closedwon", "closedlost", "presentationscheduled")[_pick(f"deal:{lead.id}", 3)]
        rows.append([f"HS-{1000 + lead.id}", f"{lead.company_name or lead.company_domain} annual plan", stage,
                     DEAL_VALUE.get(lead.grade or "D", 1200), "EUR", (met + timedelta(days=12)).date().isoformat(),
                     lead.email])
    with deals_file.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Record ID", "Deal Name", "Deal Stage", "Amount", "Currency", "Close Date",
                         "Associated Contact Email"])
        writer.writerows(rows)
    return meetings, ops.import_outcomes(db, deals_file, source="hubspot")
