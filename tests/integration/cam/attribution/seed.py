"""Four leads' outreach and outcomes across two campaigns, recorded through the product's own code.

Jane: Q3 email (day 0), Q3 LinkedIn (day 3), Q4 email (day 10), then a deal won worth 1,000 EUR (day 12).
Omar: Q3 email (day 0) that came back as a hard bounce, then Q3 LinkedIn (day 1), then a meeting (day 5).
Ivy:  Q3 email (day 0), nothing since. Olga: Q3 email (day 0), a meeting on day 200, beyond the 90-day lookback.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel
from tests.factories import make_lead
from tests.support.history import answered, sent

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
STEPS = {"steps": [{"channels": ["email", "linkedin"], "body": "Hi"}, {"channels": ["linkedin"], "body": "Hi"}]}


def day(n: int) -> datetime:
    return START + timedelta(days=n)


def seed_journeys(db: Session) -> int:
    """The four leads' history (see this module's docstring); the id of campaign Q3 intro."""
    q3 = ops.create_campaign(db, {"name": "Q3 intro", **STEPS}).id
    q4 = ops.create_campaign(db, {"name": "Q4 follow-up", **STEPS}).id

    def lead(name: str) -> int:
        return ops.create_lead(db, LeadCreate(**make_lead(first_name=name, email=f"{name}@{name}.io",
                                                          website=f"https://{name}.io"))).id

    def message(lead_id: int, campaign: int, step: int) -> messages.OutreachMessageDB:
        channels = [Channel.EMAIL, Channel.LINKEDIN] if step == 0 else [Channel.LINKEDIN]
        return messages.create(db, lead_id=lead_id, body="Hi", subject="Hello", now=START, campaign_id=campaign,
                               step=step, channels=channels)

    jane, omar, ivy, olga = lead("jane"), lead("omar"), lead("ivy"), lead("olga")
    sent(db, message(jane, q3, 0), day(0))
    sent(db, message(jane, q3, 1), day(3))
    sent(db, message(jane, q4, 0), day(10))
    bounced = message(omar, q3, 0)
    sent(db, bounced, day(0))
    answered(db, bounced, InboundKind.BOUNCE, day(1), hard=True)
    sent(db, bounced, day(1))  # its LinkedIn fallback
    sent(db, message(ivy, q3, 0), day(0))
    sent(db, message(olga, q3, 0), day(0))
    db.commit()
    outcomes = ((jane, OutcomeKind.WON, day(12), "1000"), (omar, OutcomeKind.MEETING, day(5), None),
                (olga, OutcomeKind.MEETING, day(200), None))
    for lead_id, kind, at, value in outcomes:
        ops.add_outcome(db, OutcomeCreate(lead_id=lead_id, kind=kind, occurred_at=at, value=value,
                                          currency="EUR" if value else None))
    return q3


