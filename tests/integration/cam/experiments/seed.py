"""A campaign whose first step is under experiment, with a history written by the engine's and the inbox's own
recording code: 40 leads on `plain` (2 interested replies, 3 others), 40 on `specific` (14 interested), and a
meeting booked by one `specific` lead after its message."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from aicmo import operator_services as ops
from aicmo.cam.campaigns.schemas import CampaignRead
from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.leads.schemas import LeadCreate
from aicmo.cam.outcomes.models import OutcomeKind
from aicmo.cam.outcomes.schemas import OutcomeCreate
from aicmo.cam.outreach import messages
from tests.factories import make_lead
from tests.support.history import answered, sent

SENT_AT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
CAMPAIGN: dict[str, Any] = {
    "name": "Subject test",
    "steps": [{"subject": "Hello", "body": "Hi {{ first_name }}",
               "variants": [{"name": "plain", "body": "Hi, a question."},
                            {"name": "specific", "body": "Hi, about {{ company }}."}]},
              {"channels": ["linkedin"], "delay_hours": 72, "body": "Connecting."}],
}
EXPERIMENT = {"step": 1, "goal": "positive_reply", "auto_winner": "notify",
              "rule": {"min_sample": 20, "expected_rate": 0.1, "mde": 2.0}}
YES, NO = "Yes, interested! Can we book a call next week?", "Not interested, thanks."
SCRIPT = {"plain": (2, 3), "specific": (14, 0)}  # interested replies, other replies


def seed_experiment(db: Session) -> CampaignRead:
    campaign = ops.create_campaign(db, CAMPAIGN)
    ops.create_experiment(db, campaign.id, EXPERIMENT, now=SENT_AT)
    for offset, variant in ((0, "plain"), (100, "specific")):
        yes, other = SCRIPT[variant]
        for number in range(offset, offset + 40):
            lead = ops.create_lead(db, LeadCreate(**make_lead(
                first_name=f"L{number}", email=f"l{number}@co{number}.io", website=f"https://co{number}.io")))
            message = messages.create(db, lead_id=lead.id, body="Hi", subject="Hello", now=SENT_AT,
                                      campaign_id=campaign.id, step=0, variant=variant)
            sent(db, message, SENT_AT)
            index = number - offset
            if index < yes + other:
                answered(db, message, InboundKind.REPLY, SENT_AT + timedelta(days=1), text=YES if index < yes else NO)
            if variant == "specific" and index == 0:
                ops.add_outcome(db, OutcomeCreate(lead_id=lead.id, kind=OutcomeKind.MEETING,
                                                  occurred_at=SENT_AT + timedelta(days=3)))
    db.commit()
    return campaign
