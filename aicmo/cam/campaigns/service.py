"""Campaigns: create one with its sequence, start, pause, resume, stop, and read where it stands."""

from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy import update as update_rows
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
from aicmo.cam.channel_order.schemas import ChannelOrderLearning
from aicmo.cam.outreach.domain import MessageStatus
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.sequences.models import SequenceConfigDB
from aicmo.cam.templates.html import literal_link_problems
from aicmo.cam.templates.render import check_template
from aicmo.errors import CampaignNotFound, CampaignStateError, InvalidCampaign, validated

DRAFT, RUNNING, PAUSED, STOPPED, COMPLETED = "draft", "running", "paused", "stopped", "completed"


def _parse(data: CampaignCreate | dict[str, object]) -> CampaignCreate:
    return validated(CampaignCreate, data, InvalidCampaign)


def _check_templates(spec: CampaignCreate) -> None:
    for index, step in enumerate(spec.steps):
        texts = [(step.subject, step.body or "", step.html, step.markdown)] + [
            (v.subject or step.subject, v.body, v.html, v.markdown) for v in step.variants]
        for subject, body, html, markdown in texts:
            problems = check_template(subject, body, html=html if html is not None else markdown)
            problems += literal_link_problems(body, html, markdown)
            if problems:
                raise InvalidCampaign(f"steps.{index}", "; ".join(problems))


def create(db: Session, data: CampaignCreate | dict[str, object], *, now: datetime) -> CampaignDB:
    """Store a draft campaign and its sequence; InvalidCampaign names the field at fault. Never commits."""
    spec = _parse(data)
    _check_templates(spec)
    if db.scalar(select(CampaignDB.id).where(CampaignDB.name == spec.name)) is not None:
        raise InvalidCampaign("name", f"a campaign named {spec.name!r} already exists")
    campaign = CampaignDB(name=spec.name, description=spec.description, status=DRAFT, created_at=now, updated_at=now,
                          settings={"audience": spec.audience.model_dump(mode="json"),
                                    "sender": spec.sender.model_dump(mode="json"),
                                    "channel_order": spec.channel_order.model_dump(mode="json")})
    db.add(campaign)
    db.flush()
    db.add(SequenceConfigDB(campaign_id=campaign.id, steps=[s.model_dump(mode="json") for s in spec.steps],
                            send_window=spec.send_window, stop_company_on_reply=spec.stop_company_on_reply,
                            created_at=now, updated_at=now))
    return campaign


def _loc(parts: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in parts)


def _texts(spec: CampaignCreate) -> list[tuple[str, str | None, str]]:
    """(where, subject, body) of every text in the sequence: each step's own and each variant's."""
    texts: list[tuple[str, str | None, str]] = []
    for index, step in enumerate(spec.steps):
        if step.body or not step.variants:
            texts.append((f"steps.{index}", step.subject, step.body or ""))
        texts += [(f"steps.{index}.variants.{number}", variant.subject or step.subject, variant.body)
                  for number, variant in enumerate(step.variants)]
    return texts


def problems(data: dict[str, object]) -> list[tuple[str, str]]:
    """Everything wrong with a campaign spec, as (field, reason): every schema error, then every template's syntax
    errors and unknown names, at the subject or body that has them. Empty when it can be saved."""
    try:
        spec = CampaignCreate.model_validate(data)
    except ValidationError as exc:
        return [(_loc(error["loc"]), str(error["msg"]).removeprefix("Value error, ")) for error in exc.errors()]
    found = []
    for where, subject, body in _texts(spec):
        if subject is not None:
            found += [(f"{where}.subject", problem) for problem in check_template(subject, "")]
        found += [(f"{where}.body", problem) for problem in check_template(None, body)]
    return found


def _check_structure_kept(campaign: CampaignDB, before: list[SequenceStep], spec: CampaignCreate) -> None:
    """A paused campaign's leads are part-way through its steps, and its A/B results are counted per step and
    variant name: texts, delays, channels and weights may change, the steps and variant names may not."""
    if len(before) != len(spec.steps):
        raise InvalidCampaign("steps", f"campaign {campaign.name!r} is paused with leads part-way through its "
                                       f"{len(before)} steps: it keeps that many (stop it and create a new one to "
                                       f"change the sequence)")
    for index, (old, new) in enumerate(zip(before, spec.steps, strict=True)):
        if [v.name for v in old.variants] != [v.name for v in new.variants]:
            raise InvalidCampaign(f"steps.{index}.variants", "a paused campaign keeps its variants (their results "
                                                             "are counted by name): change their texts and weights")


def update(db: Session, key: int | str, data: CampaignCreate | dict[str, object], *, now: datetime) -> CampaignDB:
    """Replace a draft campaign's spec, or a paused one's within its steps and variants. Never commits.

    A running campaign is paused first, so no message goes out while its sequence changes; a stopped or completed
    one is history. Messages already written keep their text.
    """
    campaign = get(db, key)
    if campaign.status not in (DRAFT, PAUSED):
        advice = " (pause it first)" if campaign.status == RUNNING else ""
        raise CampaignStateError(f"campaign {campaign.name!r} is {campaign.status}: only a draft or a paused "
                                 f"campaign can be edited{advice}")
    spec = _parse(data)
    _check_templates(spec)
    config = db.scalar(select(SequenceConfigDB).where(SequenceConfigDB.campaign_id == campaign.id))
    if campaign.status == PAUSED:
        _check_structure_kept(campaign, [SequenceStep.model_validate(s) for s in (config.steps if config else [])],
                              spec)
    taken = db.scalar(select(CampaignDB.id).where(CampaignDB.name == spec.name, CampaignDB.id != campaign.id))
    if taken is not None:
        raise InvalidCampaign("name", f"a campaign named {spec.name!r} already exists")
    campaign.name, campaign.description, campaign.updated_at = spec.name, spec.description, now
    campaign.settings = {**campaign.settings, "audience": spec.audience.model_dump(mode="json"),
                         "sender": spec.sender.model_dump(mode="json")}
    if "channel_order" in spec.model_fields_set:  # a form that does not show the learning leaves it as it was
        campaign.settings = {**campaign.settings, "channel_order": spec.channel_order.model_dump(mode="json")}
    if config is None:
        config = SequenceConfigDB(campaign_id=campaign.id, created_at=now)
        db.add(config)
    config.steps = [s.model_dump(mode="json") for s in spec.steps]
    config.send_window, config.stop_company_on_reply, config.updated_at = (spec.send_window,
                                                                           spec.stop_company_on_reply, now)
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
    db.execute(update_rows(OutreachMessageDB).where(
        OutreachMessageDB.campaign_id == campaign.id, OutreachMessageDB.status == MessageStatus.PENDING,
        OutreachMessageDB.next_attempt_at.is_(None)).values(next_attempt_at=now))
    return campaign


def stop(db: Session, key: int | str, *, now: datetime) -> int:
    """Stop for good: cancel every message not yet handed to a channel; return how many were cancelled."""
    campaign = get(db, key)
    campaign.status, campaign.updated_at = STOPPED, now
    result = db.execute(update_rows(OutreachMessageDB).where(
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
        sender=SenderProfile.model_validate(campaign.settings.get("sender") or {}),
        channel_order=learning_of(campaign), created_at=campaign.created_at)


def learning_of(campaign: CampaignDB) -> ChannelOrderLearning:
    """The campaign's channel-order learning settings (off for campaigns made before it existed)."""
    return ChannelOrderLearning.model_validate(campaign.settings.get("channel_order") or {})


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
