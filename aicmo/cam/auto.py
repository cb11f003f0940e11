"""The orchestrator: pick a campaign's leads, grade those not graded yet, write their first step and enqueue it.

The worker (`aicmo worker`) then delivers, falls back across channels and enqueues the following steps.
"""

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.campaigns.flows import enqueue_step
from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.campaigns.schemas import Audience
from aicmo.cam.leads.grading import LeadGradeService
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.service import has_tag
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.sequences.models import SequenceConfigDB
from aicmo.cam.templates.render import RenderLimits, TemplateLimitExceeded
from aicmo.errors import CampaignStateError, InvalidCampaign


def audience_query(db: Session, audience: Audience, campaign_id: int) -> Select[LeadDB]:
    """Leads matching the audience that this campaign has not enrolled yet, best score first."""
    enrolled = select(OutreachMessageDB.lead_id).where(OutreachMessageDB.campaign_id == campaign_id)
    query = select(LeadDB).where(LeadDB.id.not_in(enrolled))
    if audience.statuses:
        query = query.where(LeadDB.status.in_(audience.statuses))
    if audience.grades:
        query = query.where(LeadDB.grade.in_([g.value for g in audience.grades]))
    for tag in audience.tags:
        query = query.where(has_tag(db, tag))
    return query.order_by(LeadDB.score.desc().nulls_last(), LeadDB.id)


def enroll(db: Session, campaign: CampaignDB, now: datetime, grader: LeadGradeService | None = None, *,
           limits: RenderLimits) -> int:
    """Enqueue the first step for every matching lead not yet in the campaign; return how many. Never commits."""
    config = db.scalar(select(SequenceConfigDB).where(SequenceConfigDB.campaign_id == campaign.id))
    if config is None or not config.steps:
        return 0
    audience = Audience.model_validate(campaign.settings.get("audience") or {})
    ungraded = db.scalars(select(LeadDB).where(LeadDB.grade.is_(None))).all()
    if ungraded:
        grader = grader or LeadGradeService()
        for lead in ungraded:
            grader.grade_lead(db, lead.id)
        db.flush()
    count = 0
    query = audience_query(db, audience, campaign.id)
    if audience.limit is not None:
        query = query.limit(audience.limit)
    for lead in db.scalars(query):
        if enqueue_step(db, campaign, config, lead, 0, now, now, limits=limits) is not None:
            count += 1
    return count


def start(db: Session, key: int | str, *, now: datetime, limits: RenderLimits) -> int:
    """Run the campaign: enrol matching leads (also those added since the last start); return how many joined."""
    campaign = campaigns.get(db, key)
    if campaign.status == campaigns.STOPPED:
        raise CampaignStateError(f"campaign {campaign.name!r} is stopped; create a new one to run again")
    try:  # the first lead is written before anything is stored, so a runaway template holds no write lock
        joined = enroll(db, campaign, now, limits=limits)
    except TemplateLimitExceeded as problem:  # the caller rolls back: nothing is enrolled, the campaign not started
        raise InvalidCampaign("steps.0", str(problem)) from None
    campaign.status, campaign.updated_at = campaigns.RUNNING, now
    return joined
