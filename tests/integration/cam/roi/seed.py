"""One campaign's outreach, tasks, grades, outcomes and costs, recorded through the product's own code.

Campaign "Spring", from June 1 (day 0) to day 9: ten active days. Mailboxes m1 and m2 send; m3 never does.
Ann (A, 90): email from m1 (day 0), LinkedIn by hand (day 2); a meeting (day 5), a deal won worth 3,000 EUR (day 20).
Bob (A, 80): email from m2 (day 0); an open opportunity worth 2,000 EUR (day 10).
Cat (B, 60): email from m1 (day 0), a contact form by hand (day 3); a meeting (day 6).
Dan (C, 30): email from m1 (day 0), LinkedIn through an automation (day 4); nothing.
Eve (C, 70): email from m2 (day 9); nothing.
Costs (EUR): email 0.05 a message and 30 a mailbox a month; LinkedIn 60 a seat a month for 2 seats, 5 minutes a
task at 36 an hour; contact form 10 minutes a task at 36 an hour.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.costs.schemas import ChannelCostUpdate, CostsUpdate
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.attempts import record_attempt
from aicmo.cam.outreach.domain import Channel, SendResult, SendStatus
from aicmo.cam.outreach.tasks import store as tasks
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind, TaskKind, TaskStatus
from tests.factories import make_lead

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
STEPS = {"steps": [{"channels": ["email"], "body": "Hi"}, {"channels": ["linkedin", "contact_form"], "body": "Hi"}]}
COSTS = CostsUpdate(currency="EUR", channels={
    Channel.EMAIL: ChannelCostUpdate(per_message=Decimal("0.05"), per_month=Decimal(30)),
    Channel.LINKEDIN: ChannelCostUpdate(per_month=Decimal(60), seats=2, task_minutes=5, hourly_rate=Decimal(36)),
    Channel.CONTACT_FORM: ChannelCostUpdate(task_minutes=10, hourly_rate=Decimal(36))})


def day(n: int) -> datetime:
    return START + timedelta(days=n)


def seed_campaign(db: Session) -> int:
    """The history in this module's docstring; the campaign's id."""
    campaign = ops.create_campaign(db, {"name": "Spring", **STEPS}).id
    for name in ("m1", "m2", "m3"):
        ops.add_mailbox(db, {"name": name, "from_address": f"{name}@seller.example", "smtp_host": "127.0.0.1"})

    def lead(name: str, grade: str, score: int) -> LeadDB:
        lead_id = ops.create_lead(db, LeadCreate(**make_lead(first_name=name, email=f"{name}@{name}.io",
                                                             website=f"https://{name}.io"))).id
        row = db.get(LeadDB, lead_id)
        assert row is not None
        row.grade, row.score = grade, score
        return row

    def touch(who: LeadDB, step: int, channel: Channel, at: datetime, *, mailbox: str | None = None,
              task: TaskKind | None = None, provider: str | None = None) -> None:
        message = messages.create(db, lead_id=who.id, body="Hi", subject="Hello", now=START, campaign_id=campaign,
                                  step=step, channels=[channel])
        record_attempt(db, messages.as_outreach(message), SendResult(SendStatus.SENT, channel, mailbox=mailbox,
                                                                     target="x"), now=at)
        if task is not None:
            done = tasks.add(db, who, task, message_id=message.id, campaign_id=campaign, url="https://x.io",
                             body="Hi", provider=provider, now=at,
                             action=LinkedInTaskKind.MESSAGE if task is TaskKind.LINKEDIN else None)
            done.status, done.completed_at = TaskStatus.DONE, at

    ann, bob, cat = lead("ann", "A", 90), lead("bob", "A", 80), lead("cat", "B", 60)
    dan, eve = lead("dan", "C", 30), lead("eve", "C", 70)
    for who, mailbox in ((ann, "m1"), (bob, "m2"), (cat, "m1"), (dan, "m1")):
        touch(who, 0, Channel.EMAIL, day(0), mailbox=mailbox)
    touch(eve, 0, Channel.EMAIL, day(9), mailbox="m2")
    touch(ann, 1, Channel.LINKEDIN, day(2), task=TaskKind.LINKEDIN, provider="tasks")
    touch(cat, 1, Channel.CONTACT_FORM, day(3), task=TaskKind.FORM)
    touch(dan, 1, Channel.LINKEDIN, day(4), task=TaskKind.LINKEDIN, provider="webhook")
    db.commit()
    outcomes = ((ann, OutcomeKind.MEETING, day(5), None), (cat, OutcomeKind.MEETING, day(6), None),
                (ann, OutcomeKind.WON, day(20), "3000"), (bob, OutcomeKind.OPPORTUNITY, day(10), "2000"))
    for who, kind, at, value in outcomes:
        ops.add_outcome(db, OutcomeCreate(lead_id=who.id, kind=kind, occurred_at=at, value=value,
                                          currency="EUR" if value else None))
    ops.update_costs(db, COSTS)
    return campaign
