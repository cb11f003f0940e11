"""The LinkedIn channel: each step becomes a stored task, handed to the operator or to an automation webhook."""

import asyncio
import time
import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.outreach.base import OutreachServiceBase
from aicmo.cam.outreach.domain import Channel, ErrorKind, OutreachMessage, SendResult, SendStatus
from aicmo.cam.outreach.linkedin.domain import Handover, LinkedInProvider, LinkedInStep, Refusal, plan_step
from aicmo.cam.outreach.linkedin.notes import cut_note
from aicmo.cam.outreach.linkedin.tasks import TaskProvider
from aicmo.cam.outreach.linkedin.webhook import WebhookNotConfigured, WebhookProvider, callback_url
from aicmo.cam.outreach.tasks import store
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind, OperatorTaskDB, TaskKind, TaskStatus
from aicmo.db.engine import unit_of_work
from aicmo.errors import LeadNotFound
from aicmo.settings import Settings


def make_provider(settings: Settings) -> LinkedInProvider:
    """The provider the settings name: `tasks` (default) or `webhook`."""
    if settings.linkedin_provider == "tasks":
        return TaskProvider()
    if settings.linkedin_provider == "webhook":
        if not settings.linkedin_webhook_url:
            raise WebhookNotConfigured("AICMO_LINKEDIN_PROVIDER=webhook needs AICMO_LINKEDIN_WEBHOOK_URL")
        return WebhookProvider(settings.linkedin_webhook_url, settings.linkedin_webhook_secret or "",
                               callback=callback_url(settings.public_base_url), timeout=settings.http_timeout,
                               user_agent=settings.http_user_agent)
    raise WebhookNotConfigured(f"unknown AICMO_LINKEDIN_PROVIDER {settings.linkedin_provider!r}: use tasks or webhook")


def _failed(kind: ErrorKind, detail: str) -> SendResult:
    return SendResult.failed(Channel.LINKEDIN, kind, detail)


def _step(task: OperatorTaskDB, lead: LeadDB) -> LinkedInStep:
    assert task.action is not None  # every LinkedIn task is a connection request or a message
    return LinkedInStep(task_id=task.id, kind=task.action, profile_url=task.url, note=task.body, lead_id=lead.id,
                        lead_name=" ".join(part for part in (lead.first_name, lead.last_name) if part),
                        lead_company=lead.company_name, message_id=task.message_id or "",
                        campaign_id=task.campaign_id)


class LinkedInOutreachService(OutreachServiceBase):
    channel = Channel.LINKEDIN

    def __init__(self, sessions: sessionmaker[Session], provider: LinkedInProvider, *, note_limit: int = 300) -> None:
        self._sessions = sessions
        self.provider = provider
        self.note_limit = note_limit

    @classmethod
    def from_settings(cls, sessions: sessionmaker[Session], settings: Settings) -> "LinkedInOutreachService":
        return cls(sessions, make_provider(settings), note_limit=settings.linkedin_note_limit)

    def can_reach(self, lead: LeadRead) -> str | None:
        if not lead.linkedin_url:
            return "no LinkedIn profile URL"
        if lead.linkedin_status is LinkedInStatus.DECLINED:
            return "the lead declined the connection request"
        return None

    async def send(self, message: OutreachMessage, lead: LeadRead) -> SendResult:
        """Store the step (a message to a connection, else a connection request) and hand it to the provider."""
        return await self._send(message, lead, None)

    async def send_connection_request(self, lead: LeadRead, note: str, message_id: str | None = None) -> SendResult:
        message = OutreachMessage(lead_id=lead.id, body=note, channel=Channel.LINKEDIN,
                                  id=message_id or str(uuid.uuid4()))
        return await self._send(message, lead, LinkedInTaskKind.CONNECTION_REQUEST)

    async def check_status(self, provider_message_id: str) -> SendResult | None:
        task_id = store.task_id_of(provider_message_id, TaskKind.LINKEDIN)
        return None if task_id is None else await asyncio.to_thread(self._task_result, task_id)

    async def check_connection_status(self, lead: LeadRead) -> LinkedInStatus:
        return await asyncio.to_thread(self._connection_status, lead.id)

    async def aclose(self) -> None:
        await self.provider.aclose()

    async def _send(self, message: OutreachMessage, lead: LeadRead, kind: LinkedInTaskKind | None) -> SendResult:
        started = time.perf_counter()
        prepared = await asyncio.to_thread(self._prepare, message, lead, kind)
        if isinstance(prepared, LinkedInStep):
            handover = await self.provider.hand_over(prepared)
            prepared = await asyncio.to_thread(self._settle, prepared.task_id, handover)
        prepared.duration_ms = (time.perf_counter() - started) * 1000
        return prepared

    def _prepare(self, message: OutreachMessage, addressed: LeadRead, kind: LinkedInTaskKind | None
                 ) -> LinkedInStep | SendResult:
        """The step to hand over, or the result already known; a crash-and-resend finds the stored task."""
        try:
            with unit_of_work(self._sessions) as db:
                return self._open_task(db, message, addressed, kind)
        except IntegrityError:
            # A concurrent send of the same message stored its task first: carry on with that one.
            with unit_of_work(self._sessions) as db:
                return self._open_task(db, message, addressed, kind)

    def _open_task(self, db: Session, message: OutreachMessage, addressed: LeadRead, kind: LinkedInTaskKind | None
                   ) -> LinkedInStep | SendResult:
        """`addressed` is the lead as the message sees it: its profile URL may be one the message names."""
        task = store.find_by_message(db, TaskKind.LINKEDIN, message.id)
        lead = db.get(LeadDB, task.lead_id if task else addressed.id)
        if lead is None:
            return _failed(ErrorKind.FATAL, f"lead {addressed.id} not found")
        if task is not None:
            return _step(task, lead) if self._hand_over_again(task) else store.result_of(task)
        profile_url = addressed.linkedin_url or lead.linkedin_url
        if not profile_url:
            return _failed(ErrorKind.CHANNEL_FAILED, "no LinkedIn profile URL")
        planned = kind or plan_step(lead.linkedin_status)
        if isinstance(planned, Refusal):
            return _failed(planned.error_kind, planned.reason)
        connecting = planned is LinkedInTaskKind.CONNECTION_REQUEST
        note = cut_note(message.body, self.note_limit) if connecting else message.body
        task = store.add(db, lead, TaskKind.LINKEDIN, action=planned, provider=self.provider.name, body=note,
                         message_id=message.id, campaign_id=message.campaign_id, url=profile_url)
        return _step(task, lead)

    def _hand_over_again(self, task: OperatorTaskDB) -> bool:
        """Only an open task this provider never got to (e.g. the webhook failed transiently) is passed on again;
        one an automation took on has its external id (possibly empty)."""
        return (task.status is TaskStatus.OPEN and task.external_id is None
                and task.provider == self.provider.name)

    def _settle(self, task_id: int, handover: Handover) -> SendResult:
        """Record what the provider answered on the task, unless it was completed meanwhile (e.g. by callback)."""
        with unit_of_work(self._sessions) as db:
            task = store.lock(db, task_id, TaskKind.LINKEDIN)
            if task.status is TaskStatus.OPEN:
                if handover.status is SendStatus.SENT:
                    store.close(db, task, done=True, detail=handover.detail or None, external_id=handover.external_id)
                elif handover.error_kind in (ErrorKind.CHANNEL_FAILED, ErrorKind.FATAL):
                    store.close(db, task, done=False, detail=handover.detail, external_id=handover.external_id)
                elif handover.status is SendStatus.PENDING and handover.external_id is not None:
                    task.external_id, task.detail = handover.external_id, handover.detail or None
                elif handover.error_kind is ErrorKind.TRANSIENT:
                    task.detail = handover.detail
            result = store.result_of(task)
        if handover.error_kind is ErrorKind.TRANSIENT and result.status is SendStatus.PENDING:
            return SendResult.failed(Channel.LINKEDIN, ErrorKind.TRANSIENT, handover.detail,
                                     provider_message_id=result.provider_message_id, target=result.target,
                                     response_code=handover.response_code)
        result.response_code = handover.response_code
        return result

    def _task_result(self, task_id: int) -> SendResult | None:
        with self._sessions() as db:
            task = db.get(OperatorTaskDB, task_id)
            return None if task is None or task.kind is not TaskKind.LINKEDIN else store.result_of(task)

    def _connection_status(self, lead_id: int) -> LinkedInStatus:
        with self._sessions() as db:
            lead = db.get(LeadDB, lead_id)
            if lead is None:
                raise LeadNotFound(lead_id)
            return lead.linkedin_status
