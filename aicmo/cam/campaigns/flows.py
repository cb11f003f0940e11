"""Work that crosses campaigns, leads, templates and messages: writing a step for a lead and enqueueing it."""

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.campaigns.preview import write_for_lead
from aicmo.cam.campaigns.schemas import SenderProfile, SequenceStep
from aicmo.cam.campaigns.service import learning_of
from aicmo.cam.channel_order import service as channel_order
from aicmo.cam.channel_order.rules import campaign_channels
from aicmo.cam.experiments import service as experiments
from aicmo.cam.experiments.service import Assignment
from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.domain import Channel, MessageStatus, SendResult
from aicmo.cam.outreach.models import OutreachMessageDB
from aicmo.cam.sequences import windows
from aicmo.cam.sequences.models import SequenceConfigDB
from aicmo.cam.templates.context import message_context
from aicmo.cam.templates.html import check_links, render_part
from aicmo.cam.templates.render import (
    RenderedMessage,
    RenderLimits,
    TemplateLimitExceeded,
    TemplateProblem,
)
from aicmo.cam.templates.variants import choose_variant


def write_step(step: SequenceStep, index: int, lead: LeadDB, sender: SenderProfile, *, limits: RenderLimits,
               experiment: Assignment | None = None) -> tuple[RenderedMessage, str | None, list[Channel] | None]:
    """The step's text (and HTML part, when it has one) for this lead, the A/B variant used and the channels an
    experiment's variant tries (None: the step's own order); TemplateProblem if it cannot be written. A step under
    experiment takes the variant the experiment gives the lead (its winner once applied)."""
    subject, body, html, markdown, variant, channels = step.subject, step.body or "", step.html, step.markdown, \
        None, None
    if experiment is not None:
        arm = experiment.choose(lead.id, index)
        variant, channels = arm.name, list(arm.channels) if arm.channels else None
        subject, body = arm.subject if arm.subject is not None else subject, arm.body or body
    elif step.variants:
        variant = choose_variant([v.name for v in step.variants], lead.id, index,
                                 weights=[v.weight for v in step.variants])
        chosen = next(v for v in step.variants if v.name == variant)
        subject, body = chosen.subject if chosen.subject is not None else step.subject, chosen.body
        html, markdown = chosen.html, chosen.markdown
    rendered = write_for_lead(subject, body, index, lead, lead.id, sender.model_dump(), limits=limits)
    # a reader sees one part or the other: each part's spintax chooses on its own
    html_part = None if html is None and markdown is None else render_part(
        html, markdown, message_context(lead, sender.model_dump()), seed=f"{lead.id}:{index}", limits=limits)
    if html_part is None:
        return rendered, variant, channels
    check_links(rendered.body, html_part)
    return replace(rendered, html=html_part), variant, channels


def enqueue_step(db: Session, campaign: CampaignDB, config: SequenceConfigDB, lead: LeadDB, index: int,
                 earliest: datetime, now: datetime, *, limits: RenderLimits) -> OutreachMessageDB | None:
    """Write step `index` for the lead and store it, due at a spread-out moment inside the send window.

    A step that cannot be written (an empty required field, an unknown variable) is stored SKIPPED with the reason,
    so the lead is flagged rather than sent a broken message. None if the lead already has this step.
    A template past its bounds (TemplateLimitExceeded) is wrong for every lead: it is raised, not stored.
    """
    exists = db.scalar(select(OutreachMessageDB.id).where(
        OutreachMessageDB.campaign_id == campaign.id, OutreachMessageDB.lead_id == lead.id,
        OutreachMessageDB.sequence_step == index))
    if exists is not None:
        return None
    step = SequenceStep.model_validate(config.steps[index])
    sender = SenderProfile.model_validate(campaign.settings.get("sender") or {})
    try:
        rendered, variant, channels = write_step(step, index, lead, sender, limits=limits,
                                                 experiment=experiments.assignment(db, campaign.id, index))
    except TemplateLimitExceeded:
        raise
    except TemplateProblem as problem:
        return skip_step(db, campaign, step, lead, index, now, problem)
    return messages.create(db, lead_id=lead.id, body=rendered.body, subject=rendered.subject, now=now,
                           due_at=due_time(config.send_window, lead, earliest, key=f"{campaign.id}:{lead.id}:{index}"),
                           campaign_id=campaign.id, step=index,
                           channels=channels or step_channels(db, campaign, config, lead, step, index, now),
                           variant=variant, grade=lead.grade, html_body=rendered.html)


def step_channels(db: Session, campaign: CampaignDB, config: SequenceConfigDB, lead: LeadDB, step: SequenceStep,
                  index: int, now: datetime) -> list[Channel]:
    """The step's fallback order for this lead: the step's own, or, where the campaign learns channel orders, the
    step's channels in the order the lead was given when its sequence started. (An experiment on the step's
    channel order comes first: the user chose to test those orders.)"""
    learning = learning_of(campaign)
    if not learning.enabled:
        return step.channels
    all_channels = campaign_channels(SequenceStep.model_validate(s).channels for s in config.steps)
    return channel_order.channels_for(db, campaign_id=campaign.id, learning=learning,
                                      campaign_channels=all_channels, lead=lead, step_channels=step.channels,
                                      step=index, now=now)


def skip_step(db: Session, campaign: CampaignDB, step: SequenceStep, lead: LeadDB, index: int, now: datetime,
              problem: TemplateProblem) -> OutreachMessageDB:
    """Store the step SKIPPED for this lead, with the template's problem as the reason."""
    return messages.create(db, lead_id=lead.id, body=step.body or "", subject=step.subject, now=now,
                           campaign_id=campaign.id, step=index, channels=step.channels,
                           status=MessageStatus.SKIPPED, error=f"template: {problem}", grade=lead.grade)


def due_time(window_data: dict[str, object], lead: LeadDB, earliest: datetime, key: str) -> datetime:
    """A moment inside the lead's send window at or after `earliest`, spread by key rather than all at opening."""
    if window_data.get("always"):
        return earliest
    window = windows.SendWindow.from_dict(window_data) if window_data else windows.DEFAULT_WINDOW
    zone = windows.lead_zone(lead.time_zone, lead.country, window.timezone)
    return windows.spread_slot(window, earliest, zone, windows.country_code(lead.country), key=key)


def after_sent(db: Session, message: OutreachMessageDB, lead: LeadDB, result: SendResult, now: datetime, *,
               limits: RenderLimits) -> None:
    """What a sent message changes: the lead's state, and the campaign's next step for this lead."""
    if lead.status is LeadStatus.NEW:
        lead.status = LeadStatus.CONTACTED
    if result.channel is Channel.CONTACT_FORM and result.target and not lead.contact_form_url:
        lead.contact_form_url = result.target
    schedule_next(db, message, lead, now, limits=limits)


def schedule_next(db: Session, message: OutreachMessageDB, lead: LeadDB, now: datetime, *,
                  limits: RenderLimits) -> None:
    """Enqueue the campaign's following step for this lead, its delay counted from now."""
    if message.campaign_id is None:
        return
    campaign = db.get(CampaignDB, message.campaign_id)
    config = db.scalar(select(SequenceConfigDB).where(SequenceConfigDB.campaign_id == message.campaign_id))
    following = message.sequence_step + 1
    if campaign is None or config is None or following >= len(config.steps):
        return
    delay = timedelta(hours=float(config.steps[following].get("delay_hours") or 0))
    try:
        enqueue_step(db, campaign, config, lead, following, now + delay, now, limits=limits)
    except TemplateLimitExceeded as problem:  # the message before is sent: keep that, flag this step
        skip_step(db, campaign, SequenceStep.model_validate(config.steps[following]), lead, following, now, problem)
