"""The operator API: the functions the CLI, the REST API and the dashboard call, session first."""

import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from sqlalchemy.orm import Session

from aicmo.cam.alerts import service as alerts
from aicmo.cam.alerts.schemas import AlertRead
from aicmo.cam.analytics.service import CampaignReport, campaign_report
from aicmo.cam.auth import service as api_keys
from aicmo.cam.auth.service import ApiKeyError, ApiKeyRead, NewKey
from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.campaigns.schemas import CampaignCreate, CampaignRead, CampaignStats
from aicmo.cam.grading.profile import GradingProfile, load_profile, save_profile
from aicmo.cam.grading.service import LeadGradeService
from aicmo.cam.inbox import service as inbox
from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.inbox.poller import PollResult
from aicmo.cam.inbox.providers import WebhookError, parse_events
from aicmo.cam.inbox.schemas import InboundRead, WebhookOutcome
from aicmo.cam.leads import service as leads
from aicmo.cam.leads.enums import LeadStatus
from aicmo.cam.leads.export import write_leads
from aicmo.cam.leads.importer import ImportOptions, ImportReport, Progress
from aicmo.cam.leads.importer import import_leads as _import_leads
from aicmo.cam.leads.schemas import LeadCreate, LeadPage, LeadRead, LeadUpdate
from aicmo.cam.limits import config as limits_config
from aicmo.cam.limits.config import ChannelConfigRead, ChannelConfigUpdate, InvalidChannelConfig
from aicmo.cam.outreach import service as outreach
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.email import mailboxes, secret_rotation
from aicmo.cam.outreach.email import status as mailbox_status_view
from aicmo.cam.outreach.email.mailbox_schemas import MailboxCreate, MailboxHealth, MailboxRead, MailboxUpdate
from aicmo.cam.outreach.email.mailboxes import DuplicateMailbox, InvalidMailbox, MailboxNotFound
from aicmo.cam.outreach.email.secret_rotation import RotationReport
from aicmo.cam.outreach.email.status import MailboxStatus
from aicmo.cam.outreach.email.store import MailboxSecretUnreadable
from aicmo.cam.outreach.linkedin.schemas import LinkedInTaskRead
from aicmo.cam.outreach.linkedin.service import (
    complete_linkedin_task,
    get_linkedin_task,
    handle_linkedin_callback,
    list_linkedin_tasks,
    set_linkedin_status,
)
from aicmo.cam.outreach.messages import DEFAULT_CHANNEL_ORDER, MessageRead, cancel_for_company, cancel_for_lead
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.outreach.service import AttemptRead, ChannelMetrics
from aicmo.cam.sequences.rules import stop_reason
from aicmo.cam.suppression import service as suppression
from aicmo.cam.suppression.schemas import ImportResult, SuppressionRead
from aicmo.cam.timeline import TimelineEntry, lead_timeline
from aicmo.cam.webhooks import service as webhooks
from aicmo.cam.webhooks.events import forget_cache as forget_webhook_cache
from aicmo.cam.webhooks.schemas import (
    InvalidWebhookSubscription,
    WebhookDeliveryNotFound,
    WebhookDeliveryRead,
    WebhookSubscriptionCreated,
    WebhookSubscriptionNotFound,
    WebhookSubscriptionRead,
    WebhookSubscriptionUpdate,
)
from aicmo.cam.worker.status import QueueStatus, queue_status
from aicmo.clock import Clock
from aicmo.db.base import utcnow
from aicmo.errors import (
    CampaignNotFound,
    CampaignStateError,
    DuplicateLead,
    GradingProfileStateError,
    InvalidCallback,
    InvalidCampaign,
    InvalidLead,
    InvalidSignature,
    LeadNotFound,
    MessageNotFound,
    MessageStateError,
    TaskAlreadyClosed,
    TaskNotFound,
)
from aicmo.settings import Settings, get_settings


def create_lead(db: Session, data: LeadCreate) -> LeadRead:
    """Store a new lead, normalised and graded; DuplicateLead if it is already known."""
    lead = leads.create(db, data, grader=_configured_grader())
    db.commit()
    return LeadRead.model_validate(lead)


def _configured_grader() -> LeadGradeService:
    """Grading against AICMO_GRADING_PROFILE when set, as imports and regrades do, else the shipped profile."""
    return LeadGradeService(load_profile(get_settings().grading_profile))


def get_lead(db: Session, lead_id: int) -> LeadRead:
    return LeadRead.model_validate(leads.get(db, lead_id))


def list_leads(db: Session, *, grades: Sequence[str] = (), statuses: Sequence[LeadStatus | str] = (),
               tag: str | None = None, search: str | None = None, page: int = 1, page_size: int = 50,
               sort: str = "score") -> LeadPage:
    return leads.get_all(db, grades=grades, statuses=statuses, tag=tag, search=search, page=page,
                         page_size=page_size, sort=sort)


def update_lead(db: Session, lead_id: int, data: LeadUpdate) -> LeadRead:
    """Change a lead; a status that ends outreach (replied, unsubscribed, …) cancels its waiting messages."""
    lead = leads.update(db, lead_id, data, grader=_configured_grader())
    reason = stop_reason(lead.status)
    if reason is not None:
        cancel_for_lead(db, lead.id, reason, utcnow())
    db.commit()
    return LeadRead.model_validate(lead)


def delete_lead(db: Session, lead_id: int) -> None:
    """Erase the lead for good (GDPR erasure)."""
    leads.delete_lead(db, lead_id)
    db.commit()


def import_leads(db: Session, path: Path | str, options: ImportOptions | None = None,
                 progress: Progress | None = None) -> ImportReport:
    """Import a lead file batch by batch (each batch commits); see ImportReport for the outcome."""
    return _import_leads(db, path, options, progress)


def grade_leads(db: Session, *, profile_path: Path | None = None, stale_only: bool = False,
                progress: Progress | None = None) -> int:
    """Grade all leads (or only those graded with an older profile); return how many were graded."""
    service = LeadGradeService(load_profile(profile_path))
    return service.grade_all(db, stale_only=stale_only, progress=progress)


def export_leads(db: Session, out: TextIO, *, file_format: str = "csv", grades: Sequence[str] = (),
                 statuses: Sequence[str] = (), tag: str | None = None, search: str | None = None,
                 limit: int | None = None) -> int:
    """Write matching leads (best score first) as CSV, JSON or JSON Lines; return how many."""
    rows = leads.stream(db, grades=grades, statuses=statuses, tag=tag, search=search)
    return write_leads(islice(rows, limit), out, file_format)


__all__ = ["DuplicateLead", "InvalidLead", "LeadNotFound", "create_lead", "delete_lead", "export_leads", "get_lead",
           "grade_leads", "import_leads", "list_leads", "update_lead"]
# LinkedIn tasks (aicmo.cam.outreach.linkedin.service).
__all__ += ["InvalidCallback", "InvalidSignature", "TaskAlreadyClosed", "TaskNotFound", "complete_linkedin_task",
            "get_linkedin_task", "handle_linkedin_callback", "list_linkedin_tasks", "set_linkedin_status"]


# Outreach: messages, channels, campaigns.
def send_outreach_message(db: Session, lead_id: int, body: str, subject: str | None = None, *,
                          channels: Sequence[Channel] = DEFAULT_CHANNEL_ORDER, mailbox: str | None = None,
                          deliver: bool = True, registry: ChannelRegistry | None = None,
                          clock: Clock | None = None) -> MessageRead:
    """Send one message to a lead now, falling back across channels within the rate limits; return its state."""
    return outreach.send_message(db, lead_id, body, subject, channels=channels, mailbox=mailbox, deliver=deliver,
                                 registry=registry, clock=clock)


def get_channel_config(db: Session, channel: Channel | str) -> ChannelConfigRead:
    """A channel's caps and retry policy (`all` for the global limits and the per-lead gap)."""
    return limits_config.get_channel_config(db, scope=str(channel))


def update_channel_config(db: Session, channel: Channel | str,
                          changes: ChannelConfigUpdate | Mapping[str, Any] | None = None,
                          **fields: Any) -> ChannelConfigRead:
    """Change a channel's caps or retry policy; InvalidChannelConfig names the field at fault."""
    given = changes.model_dump(exclude_unset=True) if isinstance(changes, ChannelConfigUpdate) else dict(changes or {})
    config = limits_config.update_channel_config(db, scope=str(channel), changes={**given, **fields})
    db.commit()
    return config


def get_outreach_history(db: Session, lead_id: int | None = None, *, campaign_id: int | None = None,
                         limit: int | None = None) -> list[AttemptRead]:
    """Every attempt on every channel, in order, for a lead or a campaign."""
    return outreach.outreach_history(db, lead_id=lead_id, campaign_id=campaign_id, limit=limit)


def get_channel_metrics(db: Session, *, since: datetime | None = None, until: datetime | None = None,
                        window: timedelta = timedelta(days=30), campaign_id: int | None = None) -> list[ChannelMetrics]:
    """Per channel over a window: sent, delivered, failed, bounced, replied, bounce and reply rates."""
    return outreach.channel_metrics(db, since=since, until=until, window=window, campaign_id=campaign_id)


def list_messages(db: Session, *, statuses: Sequence[MessageStatus | str] = (), campaign_id: int | None = None,
                  lead_id: int | None = None, limit: int = 100) -> list[MessageRead]:
    return outreach.list_messages(db, statuses=statuses, campaign_id=campaign_id, lead_id=lead_id, limit=limit)


def retry_message(db: Session, message_id: str) -> MessageRead:
    """Queue a failed, skipped or cancelled message again (e.g. one left in doubt by a crashed worker)."""
    message = outreach.retry_message(db, message_id, now=utcnow())
    db.commit()
    return message


def create_campaign(db: Session, data: CampaignCreate | dict[str, Any]) -> CampaignRead:
    """Store a draft campaign with its sequence; InvalidCampaign names the field at fault."""
    campaign = campaigns.create(db, data, now=utcnow())
    db.commit()
    return campaigns.read(db, campaign)


def list_campaigns(db: Session) -> list[CampaignRead]:
    return [campaigns.read(db, c) for c in campaigns.get_all(db)]


def start_campaign(db: Session, campaign: int | str, *, now: datetime | None = None) -> int:
    """Start (or top up) a campaign: enqueue its first step for every matching lead; return how many joined."""
    enrolled = campaigns.start(db, campaign, now=now or utcnow())
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


def fail_linkedin_task(db: Session, task_id: int, detail: str | None = None) -> LinkedInTaskRead:
    """Mark an open LinkedIn task failed: the message falls back to its next channel."""
    return complete_linkedin_task(db, task_id, False, detail)


__all__ += ["CampaignNotFound", "CampaignStateError", "InvalidCampaign", "InvalidChannelConfig", "MessageNotFound",
            "create_campaign", "fail_linkedin_task", "get_campaign_status", "get_channel_config",
            "get_channel_metrics", "get_outreach_history", "list_campaigns", "list_messages", "pause_campaign",
            "resume_campaign", "retry_message", "send_outreach_message", "start_campaign", "stop_campaign",
            "stop_outreach",
            "update_channel_config"]


# The worker's queue (aicmo.cam.worker.status).
def get_queue_status(db: Session, *, now: datetime | None = None) -> QueueStatus:
    """Messages per status, open LinkedIn tasks, messages due now, the next due time and the running campaigns."""
    return queue_status(db, now or utcnow())


__all__ += ["get_queue_status"]


# Sender mailboxes of the email channel (aicmo.cam.outreach.email.mailboxes).
def add_mailbox(db: Session, data: MailboxCreate | Mapping[str, Any]) -> MailboxRead:
    """Store a new sender mailbox; InvalidMailbox names the field at fault, DuplicateMailbox if the name is taken."""
    mailbox = mailboxes.create_mailbox(db, data, now=utcnow())
    db.commit()
    return MailboxRead.model_validate(mailbox)


def list_mailboxes(db: Session) -> list[MailboxRead]:
    return [MailboxRead.model_validate(mailbox) for mailbox in mailboxes.list_mailboxes(db)]


def get_mailbox(db: Session, name: str) -> MailboxRead:
    return MailboxRead.model_validate(mailboxes.get_mailbox(db, name))


def update_mailbox(db: Session, name: str, data: MailboxUpdate | Mapping[str, Any]) -> MailboxRead:
    """Change some of a mailbox's settings; None (or blank) removes an optional one."""
    mailbox = mailboxes.update_mailbox(db, name, data, now=utcnow())
    db.commit()
    return MailboxRead.model_validate(mailbox)


def pause_mailbox(db: Session, name: str, reason: str | None = None) -> MailboxRead:
    """Stop sending from a mailbox (e.g. while its bounce rate is looked into) until resumed."""
    mailbox = mailboxes.pause_mailbox(db, name, reason, utcnow())
    db.commit()
    return MailboxRead.model_validate(mailbox)


def resume_mailbox(db: Session, name: str) -> MailboxRead:
    mailbox = mailboxes.resume_mailbox(db, name, utcnow())
    db.commit()
    return MailboxRead.model_validate(mailbox)


def remove_mailbox(db: Session, name: str) -> None:
    """Delete a mailbox; its past attempts and events stay, unlinked."""
    mailboxes.delete_mailbox(db, name)
    db.commit()


def mailbox_health(db: Session, name: str, window: timedelta = timedelta(days=1), *,
                   now: datetime | None = None) -> MailboxHealth:
    """Sent today against today's cap (warm-up applied), hard-bounce and complaint rates over the window, state."""
    return mailboxes.mailbox_health(db, name, window, now=now)


def mailbox_status(db: Session, *, now: datetime | None = None) -> list[MailboxStatus]:
    """Every mailbox's state, sends today, the deliverability guard's figures and its inbox's last poll."""
    return mailbox_status_view.mailbox_status(db, settings=get_settings(), now=now or utcnow())


def rotate_mailbox_secrets(db: Session) -> RotationReport:
    """Encrypt every stored mailbox secret again with the current AICMO_SECRET_KEY; a second run changes nothing."""
    report = secret_rotation.rotate_secrets(db)
    db.commit()
    return report


__all__ += ["DuplicateMailbox", "InvalidMailbox", "MailboxNotFound", "MailboxSecretUnreadable", "RotationReport",
            "add_mailbox", "get_mailbox", "list_mailboxes", "mailbox_health", "mailbox_status", "pause_mailbox",
            "remove_mailbox", "resume_mailbox", "rotate_mailbox_secrets", "update_mailbox"]


# --- Listening: the inbox, provider events, the suppression list and alerts -------------------------------------


def poll_inbox(db: Session, *, mailbox: str | None = None) -> list[PollResult]:
    """Read new mail in one mailbox (or every mailbox with IMAP set) and apply it, each message committed alone."""
    return inbox.poll(db, get_settings(), mailbox=mailbox)


def list_inbound(db: Session, *, kind: InboundKind | None = None, lead_id: int | None = None,
                 limit: int = 50) -> list[InboundRead]:
    """Replies, bounces, complaints and other incoming mail, newest first."""
    return inbox.get_all(db, kind=kind, lead_id=lead_id, limit=limit)


def take_provider_events(db: Session, provider: str, body: bytes, *,
                         settings: Settings | None = None) -> WebhookOutcome:
    """Apply a provider's webhook payload (SES, SendGrid, Postmark); WebhookError names what is malformed."""
    return inbox.take_provider_events(db, provider, parse_events(provider, body), settings or get_settings())


def suppress(db: Session, value: str, *, reason: str = "manual", detail: str | None = None) -> SuppressionRead:
    """Never reach this address or domain again, on any channel; its waiting messages stop at their next turn."""
    row = suppression.add(db, value, reason=reason, detail=detail)
    db.commit()
    return SuppressionRead.model_validate(row)


def unsuppress(db: Session, value: str) -> bool:
    removed = suppression.remove(db, value)
    db.commit()
    return removed


def list_suppressions(db: Session, *, search: str | None = None, limit: int = 100,
                      offset: int = 0) -> list[SuppressionRead]:
    return [SuppressionRead.model_validate(row)
            for row in suppression.get_all(db, search=search, limit=limit, offset=offset)]


def list_alerts(db: Session, *, include_acknowledged: bool = False, limit: int = 100) -> list[AlertRead]:
    """What the operator must see, e.g. a mailbox that paused itself, newest first."""
    return [AlertRead.model_validate(row)
            for row in alerts.get_all(db, include_acknowledged=include_acknowledged, limit=limit)]


def get_lead_timeline(db: Session, lead_id: int, *, limit: int = 500) -> list[TimelineEntry]:
    """Every attempt to reach the lead and everything that came back from it (reply text included), in order."""
    return lead_timeline(db, lead_id, limit=limit)


def acknowledge_alert(db: Session, alert_id: int) -> bool:
    found = alerts.acknowledge(db, alert_id)
    db.commit()
    return found


__all__ += ["WebhookError", "acknowledge_alert", "get_lead_timeline", "list_alerts", "list_inbound",
            "list_suppressions", "poll_inbox", "suppress", "take_provider_events", "unsuppress"]


# --- API keys ------------------------------------------------------------------------------------------------


def create_api_key(db: Session, name: str) -> NewKey:
    """A new API key; its secret is in the result and nowhere else."""
    created = api_keys.create(db, name)
    db.commit()
    return created


def list_api_keys(db: Session) -> list[ApiKeyRead]:
    return api_keys.get_all(db)


def revoke_api_key(db: Session, name: str) -> ApiKeyRead:
    revoked = api_keys.revoke(db, name)
    db.commit()
    return revoked


__all__ += ["ApiKeyError", "create_api_key", "list_api_keys", "revoke_api_key"]


def get_campaign_report(db: Session, campaign: int | str) -> CampaignReport:
    """The campaign's funnel (queued, reached, delivered, replied, bounced) overall and per channel, grade and
    step/variant, with reply and bounce rates."""
    return campaign_report(db, campaigns.get(db, campaign).id)


__all__ += ["get_campaign_report"]


# --- The REST API's admin routes: one campaign, every channel's config, the suppression list as a file ----------


def get_campaign(db: Session, campaign: int | str) -> CampaignRead:
    """A campaign by id or name, with its audience, sequence and send window."""
    return campaigns.read(db, campaigns.get(db, campaign))


def list_channel_configs(db: Session) -> list[ChannelConfigRead]:
    """Every scope's caps and retry policy, stored or default: each channel, then `all`."""
    return [limits_config.get_channel_config(db, scope=scope) for scope in limits_config.SCOPES]


def import_suppressions(db: Session, source: Path | bytes, *, reason: str = "import") -> ImportResult:
    """Add every address and domain of a CSV file (or its uploaded bytes); bad rows are reported by line."""
    return suppression.import_csv(db, source, reason=reason)  # commits once, at the end


def export_suppressions(db: Session, out: TextIO) -> int:
    """Write the whole suppression list as CSV (value, kind, reason, detail, created_at); return how many."""
    return suppression.export_csv(db, out)


__all__ += ["export_suppressions", "get_campaign", "import_suppressions", "list_channel_configs"]


# --- Dashboard sign-in: an API key pasted into a form, with failed attempts rate-limited per client -------------


class LoginBlocked(ApiKeyError):
    """Too many failed logins from this client lately: it must wait before trying again."""


def log_in(db: Session, secret: str | None, client: str) -> ApiKeyRead | None:
    """The live key this secret is, else None with the failure noted; LoginBlocked while the client must wait."""
    if api_keys.login_blocked(db, client):
        raise LoginBlocked("too many failed logins from this address; try again later")
    key = api_keys.authenticate(db, secret)
    if key is None:
        api_keys.note_login_failure(db, client)
    db.commit()
    return key


def get_live_api_key(db: Session, key_id: int) -> ApiKeyRead | None:
    """The key with this id, unless it was revoked or deleted."""
    # A handful of keys at most: reading them all is cheaper than another query path to maintain.
    return next((key for key in api_keys.get_all(db) if key.id == key_id and key.revoked_at is None), None)


__all__ += ["LoginBlocked", "get_live_api_key", "log_in"]


# --- The REST API: the grading profile, one lead's grade, uploaded lead files, single messages ------------------


def get_grading_profile(path: Path | None = None) -> GradingProfile:
    """The ideal-customer profile leads are graded against: the file at `path`, else the shipped one."""
    return load_profile(path)


def save_grading_profile(profile: GradingProfile, path: Path | None) -> GradingProfile:
    """Replace the profile file at `path` (AICMO_GRADING_PROFILE); the shipped profile cannot be replaced."""
    if path is None:
        raise GradingProfileStateError("the shipped grading profile cannot be changed: set AICMO_GRADING_PROFILE "
                                       "to the file the profile should be kept in")
    return save_profile(profile, path)


def grade_lead(db: Session, lead_id: int, *, profile_path: Path | None = None) -> LeadRead:
    """Grade one lead now against the profile at `profile_path` (else the shipped one)."""
    LeadGradeService(load_profile(profile_path)).grade_lead(db, lead_id)
    db.commit()
    return get_lead(db, lead_id)


def import_lead_upload(db: Session, upload: BinaryIO, filename: str,
                       options: ImportOptions | None = None) -> ImportReport:
    """Import an uploaded lead file: CSV, JSON or JSON Lines, told apart by its name's extension or its content."""
    # Short enough that "import:<name>" fits the leads' 100-character source column.
    name = re.sub(r"[^\w.-]", "_", Path(filename).name).lstrip(".")[-80:] or "upload"
    # No rejects file beside a temporary copy; no worker processes forked from a threaded server.
    options = replace(options or ImportOptions(), write_rejects=False, workers=0)
    with tempfile.TemporaryDirectory(prefix="aicmo-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            shutil.copyfileobj(upload, out)
        report = _import_leads(db, path, options)
    report.path = Path(name)
    return report


def get_message(db: Session, message_id: str) -> MessageRead:
    return outreach.get_message(db, message_id)


def filter_messages(db: Session, *, statuses: Sequence[MessageStatus | str] = (), channel: Channel | None = None,
                    campaign_id: int | None = None, lead_id: int | None = None, limit: int = 100) -> list[MessageRead]:
    """Messages newest first, by status, current channel, campaign and lead."""
    return outreach.list_messages(db, statuses=statuses, channel=channel, campaign_id=campaign_id, lead_id=lead_id,
                                  limit=limit)


__all__ += ["GradingProfileStateError", "MessageStateError", "filter_messages", "get_grading_profile", "get_message",
            "grade_lead", "import_lead_upload", "save_grading_profile"]


# --- Outgoing webhooks (aicmo.cam.webhooks): subscriptions and their delivery log --------------------------------


def create_webhook_subscription(db: Session, url: str, events: Sequence[str], *,
                                description: str | None = None) -> WebhookSubscriptionCreated:
    """Subscribe a URL to events; the answer holds the signing secret, which is never shown again."""
    row = webhooks.create_subscription(db, url, events, description)
    db.commit()
    forget_webhook_cache()  # events from this process reach it at once, not after the cache's seconds
    return WebhookSubscriptionCreated.model_validate(row)


def list_webhook_subscriptions(db: Session) -> list[WebhookSubscriptionRead]:
    return [WebhookSubscriptionRead.model_validate(row) for row in webhooks.get_all(db)]


def get_webhook_subscription(db: Session, subscription_id: int) -> WebhookSubscriptionRead:
    return WebhookSubscriptionRead.model_validate(webhooks.get(db, subscription_id))


def update_webhook_subscription(db: Session, subscription_id: int,
                                changes: WebhookSubscriptionUpdate | Mapping[str, Any] | None = None,
                                **fields: Any) -> WebhookSubscriptionRead:
    """Change a subscription's URL, events or description, or pause (active=False) and resume it."""
    given = (changes.model_dump(exclude_unset=True) if isinstance(changes, WebhookSubscriptionUpdate)
             else dict(changes or {}))
    row = webhooks.update(db, subscription_id, {**given, **fields})
    db.commit()
    forget_webhook_cache()
    return WebhookSubscriptionRead.model_validate(row)


def delete_webhook_subscription(db: Session, subscription_id: int) -> None:
    """Remove a subscription and its delivery log."""
    webhooks.delete(db, subscription_id)
    db.commit()
    forget_webhook_cache()


def list_webhook_deliveries(db: Session, *, subscription_id: int | None = None, status: str | None = None,
                            limit: int = 100) -> list[WebhookDeliveryRead]:
    """Deliveries newest first, of one subscription or all, by status (pending, delivered, failed)."""
    if subscription_id is not None:
        webhooks.get(db, subscription_id)  # an unknown subscription is an error, not an empty log
    return [WebhookDeliveryRead.model_validate(row)
            for row in webhooks.deliveries(db, subscription_id=subscription_id, status=status, limit=limit)]


def redeliver_webhook(db: Session, delivery_id: int) -> WebhookDeliveryRead:
    """Queue a delivery again now, with a fresh set of attempts (e.g. a failed one, once the receiver is fixed)."""
    row = webhooks.redeliver(db, delivery_id)
    db.commit()
    return WebhookDeliveryRead.model_validate(row)


def prune_webhook_deliveries(db: Session, older_than_days: float) -> int:
    """Forget delivered and failed deliveries older than so many days (pending ones stay); return how many."""
    pruned = webhooks.prune_deliveries(db, older_than=timedelta(days=older_than_days))
    db.commit()
    return pruned


__all__ += ["InvalidWebhookSubscription", "WebhookDeliveryNotFound", "WebhookSubscriptionNotFound",
            "create_webhook_subscription", "delete_webhook_subscription", "get_webhook_subscription",
            "list_webhook_deliveries", "list_webhook_subscriptions", "prune_webhook_deliveries", "redeliver_webhook",
            "update_webhook_subscription"]
