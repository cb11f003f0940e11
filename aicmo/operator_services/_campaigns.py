"""Campaigns: create, edit, preview, start, pause, resume, stop, and report on them; stop reaching one lead."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from aicmo.cam import auto
from aicmo.cam.analytics.service import CampaignReport, campaign_report
from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.campaigns.preview import MessageDraft, MessagePreview, preview_messages
from aicmo.cam.campaigns.schemas import CampaignCreate, CampaignRead, CampaignStats
from aicmo.cam.leads import service as leads
from aicmo.cam.outreach.messages import cancel_for_company, cancel_for_lead
from aicmo.cam.templates.render import configured_limits
from aicmo.db.base import utcnow
from aicmo.settings import get_settings


def create_campaign(db: Session, data: CampaignCreate | dict[str, Any]) -> CampaignRead:
    """Store a draft campaign with its sequence; InvalidCampaign names the field at fault."""
    campaign = campaigns.create(db, data, now=utcnow())
    db.commit()
    return campaigns.read(db, campaign)


def update_campaign(db: Session, campaign: int | str, data: CampaignCreate | dict[str, Any]) -> CampaignRead:
    """Replace a draft campaign's spec (a paused one's within its steps and variants); InvalidCampaign names the
    field at fault, CampaignStateError says why this campaign cannot be edited now."""
    updated = campaigns.update(db, campaign, data, now=utcnow())
    db.commit()
    return campaigns.read(db, updated)


def check_campaign(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Everything that stops a campaign spec from being saved, as (field, reason); empty when nothing does."""
    return campaigns.problems(data)


def preview_campaign_messages(db: Session, lead_id: int, drafts: Sequence[MessageDraft],
                              sender: Mapping[str, Any]) -> list[MessagePreview]:
    """What the lead would receive from each draft text, written as the sender writes it, or why it cannot be."""
    lead = leads.get(db, lead_id)
    return preview_messages(drafts, lead, lead.id, sender, limits=configured_limits(get_settings()))


def list_campaigns(db: Session) -> list[CampaignRead]:
    return [campaigns.read(db, c) for c in campaigns.get_all(db)]


def start_campaign(db: Session, campaign: int | str, *, now: datetime | None = None) -> int:
    """Start (or top up) a campaign: enqueue its first step for every matching lead; return how many joined."""
    enrolled = auto.start(db, campaign, now=now or utcnow(), limits=configured_limits(get_settings()))
    db.commit()
    return enrolled


def pause_campaign(db: Session, campaign: int | str) -> CampaignRead:
    paused = campaigns.pause(db, campaign, now=utcnow())
    db.commit()
    return campaigns.read(db, paused)


def resume_campaign(db: Session, campaign: int | str) -> CampaignRead:
    resumed = campaigns.resume(db, campaign, now=utcnow())
    db.commit()
    return campaigns.read(db, resumed)


def stop_campaign(db: Session, campaign: int | str) -> int:
    """Stop for good; return how many waiting messages were cancelled."""
    cancelled = campaigns.stop(db, campaign, now=utcnow())
    db.commit()
    return cancelled


def get_campaign_status(db: Session, campaign: int | str) -> CampaignStats:
    return campaigns.stats(db, campaign)


def stop_outreach(db: Session, lead_id: int, *, reason: str = "stopped by hand", company: bool = False) -> int:
    """Cancel every waiting message to a lead (or to everyone at its company); return how many."""
    lead = leads.get(db, lead_id)
    now = utcnow()
    if company and lead.company_domain:
        cancelled = cancel_for_company(db, lead.company_domain, reason, now)
    else:
        cancelled = cancel_for_lead(db, lead.id, reason, now)
    db.commit()
    return cancelled


def get_campaign_report(db: Session, campaign: int | str) -> CampaignReport:
    """The campaign's funnel (queued, reached, delivered, replied, bounced) overall and per channel, grade and
    step/variant, with reply and bounce rates."""
    return campaign_report(db, campaigns.get(db, campaign).id)


def get_campaign(db: Session, campaign: int | str) -> CampaignRead:
    """A campaign by id or name, with its audience, sequence and send window."""
    return campaigns.read(db, campaigns.get(db, campaign))
