"""Campaigns: create one with its sequence, start, pause, resume, stop, and read where it stands."""

from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.campaigns.schemas import (
    Audience,
    CampaignCreate,
    CampaignRead,
    CampaignStats,
    SenderProfile,
    SequenceStep,
)
from aicmo.cam.outreach.domain import MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.sequences.models import SequenceConfigDB
from aicmo.cam.templates.html import literal_link_problems
from aicmo.cam.templates.render import check_template
from aicmo.errors import CampaignNotFound, CampaignStateError, InvalidCampaign

DRAFT, RUNNING, PAUSED, STOPPED, COMPLETED = "draft", "running", "paused", "stopped", "completed"


def _parse(data: CampaignCreate | dict[str, object]) -> CampaignCreate:
    if isinstance(data, CampaignCreate):
        return data
    try:
        return CampaignCreate.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidCampaign(".".join(str(p) for p in first["loc"]) or None, first["msg"]) from None


def create(db: Session, data: CampaignCreate | dict[str, object], *, now: datetime) -> CampaignDB:
    """Store a draft campaign and its sequence; InvalidCampaign names the field at fault. Never commits."""
    spec = _parse(data)
    for index, step in enumerate(spec.steps):
        texts = [(step.subject, step.body or "", step.html, step.markdown)] + [
            (v.subject or step.subject, v.body, v.html, v.markdown) for v in step.variants]
        for subject, body, html, markdown in texts:
            problems = check_template(subject, body, html=html if html is not None else markdown)
            problems += literal_link_problems(body, html, markdown)
            if problems:
                raise InvalidCampaign(f"steps.{index}", "; ".join(problems))
    if db.scalar(select(CampaignDB.id).where(CampaignDB.name == spec.name)) is not None:
        raise InvalidCampaign("name", f"a campaign named {spec.name!r} already exists")
    campaign = CampaignDB(name=spec.name, description=spec.description, status=DRAFT, created_at=now, updated_at=now,
                          settings={"audience": spec.audience.model_dump(mode="json"),
                                    "sender": spec.sender.model_dump(mode="json")})
    db.add(campaign)
    db.flush()
    db.add(SequenceConfigDB(campaign_id=campaign.id, steps=[s.model_dump(mode="json") for s in spec.steps],
                            send_window=spec.send_window, stop_company_on_reply=spec.stop_company_on_reply,
                            created_at=now, updated_at=now))
    return campaign


def get(db: Session, key: int | str) -> CampaignDB:
    """A campaign by id or by name."""
    campaign = db.get(CampaignDB, key) if isinstance(key, int) or str(key).isdigit() else None
    if campaign is None:
        campaign = db.scalar(select(CampaignDB).where(CampaignDB.name == str(key)))
    if campaign is None:
        raise CampaignNotFound(key)
    return campaign


def get_all(db: Session) -> list[CampaignDB]:
    return list(db.scalars(select(CampaignDB).order_by(CampaignDB.id)))


def pause(db: Session, key: int | str, *, now: datetime) -> CampaignDB:
    """Hold every unsent message of the campaign until it is resumed."""
    campaign = get(db, key)
    if campaign.status != RUNNING:
        raise CampaignStateError(f"campaign {campaign.name!r} is {campaign.status}, not running")
    campaign.status, campaign.updated_at = PAUSED, now
    return campaign


def resume(db: Session, key: int | str, *, now: datetime) -> CampaignDB:
    campaign = get(db, key)
    if campaign.status != PAUSED:
        raise CampaignStateError(f"campaign {campaign.name!r} is {campaign.status}, not paused")
    campaign.status, campaign.updated_at = RUNNING, now
    # Messages the worker put aside while paused become due again.
    db.execute(update(OutreachMessageDB).where(
        OutreachMessageDB.campaign_id == campaign.id, OutreachMessageDB.status == MessageStatus.PENDING,
        OutreachMessageDB.next_attempt_at.is_(None)).values(next_attempt_at=now))
    return campaign


def stop(db: Session, key: int | str, *, now: datetime) -> int:
    """Stop for good: cancel every message not yet handed to a channel; return how many were cancelled."""
    campaign = get(db, key)
    campaign.status, campaign.updated_at = STOPPED, now
    result = db.execute(update(OutreachMessageDB).where(
        OutreachMessageDB.campaign_id == campaign.id,
        OutreachMessageDB.status.in_((MessageStatus.PENDING, MessageStatus.QUEUED))).values(
        status=MessageStatus.CANCELLED, cancelled_at=now, updated_at=now, last_error="campaign stopped",
        next_attempt_at=None, lease_owner=None, lease_expires_at=None))
    return int(getattr(result, "rowcount", 0) or 0)


def read(db: Session, campaign: CampaignDB) -> CampaignRead:
    config = db.scalar(select(SequenceConfigDB).where(SequenceConfigDB.campaign_id == campaign.id))
    return CampaignRead(
        id=campaign.id, name=campaign.name, description=campaign.description, status=campaign.status,
        audience=Audience.model_validate(campaign.settings.get("audience") or {}),
        steps=[SequenceStep.model_validate(s) for s in (config.steps if config else [])],
        send_window=config.send_window if config else {},
        stop_company_on_reply=bool(config and config.stop_company_on_reply),
        sender=SenderProfile.model_validate(campaign.settings.get("sender") or {}), created_at=campaign.created_at)


def stats(db: Session, key: int | str) -> CampaignStats:
    """Where the campaign stands: leads enrolled, messages per status and per channel used."""
    campaign = get(db, key)
    where = OutreachMessageDB.campaign_id == campaign.id
    by_status = {str(s): n for s, n in db.execute(
        select(OutreachMessageDB.status, func.count()).where(where).group_by(OutreachMessageDB.status))}
    sent = OutreachMessageDB.status.in_((MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.REPLIED))
    by_channel = {str(c): n for c, n in db.execute(
        select(OutreachMessageDB.channel, func.count()).where(where, sent).group_by(OutreachMessageDB.channel))}
    leads = db.scalar(select(func.count(func.distinct(OutreachMessageDB.lead_id))).where(where)) or 0
    return CampaignStats(campaign=read(db, campaign), leads=leads, by_status=by_status, by_channel=by_channel)


def complete_if_done(db: Session, campaign: CampaignDB, *, now: datetime) -> bool:
    """Mark a running campaign completed once no message of it is waiting or in flight."""
    if campaign.status != RUNNING:
        return False
    open_messages = db.scalar(select(func.count()).select_from(OutreachMessageDB).where(
        OutreachMessageDB.campaign_id == campaign.id, OutreachMessageDB.status.in_(
            (MessageStatus.PENDING, MessageStatus.QUEUED, MessageStatus.SENDING)))) or 0
    if open_messages:
        return False
    campaign.status, campaign.updated_at = COMPLETED, now
    return True
