"""Campaigns that learn their channel order, leads in a grade, and the evidence earlier leads left behind."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.channel_order.models import ChannelOrderChoiceDB
from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outcomes.models import OutcomeDB, OutcomeKind
from aicmo.cam.outreach.domain import Channel
from aicmo.cam.outreach.models import OutreachMessageDB
from tests.integration.cam.worker.conftest import new_lead

LINKEDIN_FIRST = [Channel.LINKEDIN, Channel.EMAIL]
EMAIL_FIRST = [Channel.EMAIL, Channel.LINKEDIN]


def learning_campaign(db: Session, now: datetime, *, steps: list[dict[str, Any]] | None = None,
                      **learning: Any) -> CampaignDB:
    spec = {"name": "Learns its order", "send_window": {"always": True},
            "steps": steps or [{"channels": ["email", "linkedin"], "subject": "Hi", "body": "Hi {{ first_name }}"}],
            "channel_order": {"enabled": True, **learning}}
    campaign = campaigns.create(db, spec, now=now)
    db.commit()
    return campaign


def graded_lead(db: Session, name: str, grade: str, **overrides: Any) -> LeadDB:
    lead = new_lead(db, first_name=name, last_name=name, email=f"{name}@{name}.io",
                    linkedin_url=f"https://www.linkedin.com/in/{name}", **overrides)
    stored = db.get(LeadDB, lead.id)
    assert stored is not None
    stored.grade, stored.score = grade, 50
    db.commit()
    return stored


def earlier_leads(db: Session, campaign: CampaignDB, grade: str, order: list[Channel], *, count: int,
                  positive: bool, when: datetime) -> None:
    """Leads that got `order` long ago: each with a meeting since, or with nothing (settled as a miss); contacted,
    so a start does not enrol them again."""
    for number in range(count):
        name = f"{grade.lower()}{''.join(c.value[0] for c in order)}{number}{'p' if positive else 'n'}"
        lead = graded_lead(db, name, grade)
        lead.status = LeadStatus.CONTACTED
        db.add(ChannelOrderChoiceDB(campaign_id=campaign.id, lead_id=lead.id, segment=grade,
                                    channel_order=[c.value for c in order], evidence={}, chosen_at=when))
        if positive:
            db.add(OutcomeDB(lead_id=lead.id, kind=OutcomeKind.MEETING, occurred_at=when + timedelta(days=2),
                             source="manual"))
    db.commit()


def choice_of(db: Session, campaign: CampaignDB, lead_id: int) -> ChannelOrderChoiceDB | None:
    db.expire_all()
    return db.scalar(select(ChannelOrderChoiceDB).where(ChannelOrderChoiceDB.campaign_id == campaign.id,
                                                        ChannelOrderChoiceDB.lead_id == lead_id))


def messages_of(db: Session, lead_id: int) -> list[OutreachMessageDB]:
    db.expire_all()
    return list(db.scalars(select(OutreachMessageDB).where(OutreachMessageDB.lead_id == lead_id)
                           .order_by(OutreachMessageDB.sequence_step)))
