"""Claimed messages through their channels: decide, reserve a rate-limit slot, send, record, move on.

Messages go through in batches, two transactions per round: the first decides for every message of the batch
and marks the admitted ones SENDING (each with its rate-limit reservation), the sends then run side by side
outside any transaction, and the second records every attempt and each message's new state. A message that moves
straight on to its next channel goes round again. Should a batch transaction fail, its messages are taken again
one transaction each, so one bad message cannot undo the others' work. In a batch, the SENDING marks and the
plain attempts are written with one statement each; should a mark no longer hold (the message changed meanwhile),
that is such a failure.
"""

import asyncio
import functools
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.campaigns import flows
from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.deliverability import guard
from aicmo.cam.engine.gatekeeper import Gatekeeper, Wait
from aicmo.cam.engine.loaded import MARK_SENDING, BatchConflict, Loaded
from aicmo.cam.leads.models import LeadDB
from aicmo.cam.leads.schemas import LeadRead
from aicmo.cam.limits.config import channel_limits
from aicmo.cam.limits.rules import ChannelLimits
from aicmo.cam.limits.store import RateLimiter, Reservation
from aicmo.cam.outreach import messages
from aicmo.cam.outreach.attempts import attempt_row, mailbox_id, note_on_lead, record_attempt
from aicmo.cam.outreach.domain import (
    Channel,
    ErrorKind,
    EventKind,
    MessageStatus,
    OutreachMessage,
    SendResult,
    SendStatus,
)
from aicmo.cam.outreach.models import DeliveryEventDB, OutreachMessageDB
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.sequences.models import SequenceConfigDB
from aicmo.cam.sequences.rules import REPLY_STATUSES, Move, Progress, RetryPolicy, after_attempt, stop_reason
from aicmo.cam.suppression import checks as suppression
from aicmo.cam.templates.render import configured_limits
from aicmo.cam.webhooks.events import WebhookEvent, message_event
from aicmo.clock import Clock, SystemClock
from aicmo.db.unit_of_work import checkpoint
from aicmo.settings import Settings

log = logging.getLogger("aicmo.worker")
CONFIG_TTL_SECONDS = 2.0
T = TypeVar("T")
@dataclass
class Plan:
    """A message marked SENDING and what its channel needs."""

    message: OutreachMessage
    lead: LeadRead
    channel: Channel
    policy: RetryPolicy
    pinned: bool = False  # the message named its sender mailbox before this send (none other may send it)


def retry_policy(limits: ChannelLimits) -> RetryPolicy:
    return RetryPolicy(base=timedelta(seconds=limits.retry_base_seconds),
                       cap=timedelta(seconds=limits.retry_cap_seconds), max_retries=limits.max_retries)


class Dispatcher:
    def __init__(self, sessions: sessionmaker[Session], registry: ChannelRegistry, *, clock: Clock | None = None,
                 owner: str | None = None, lease: timedelta = timedelta(minutes=5),
                 rand: Callable[[], float] = random.random, settings: Settings,
                 policies: Mapping[Channel, RetryPolicy] | None = None) -> None:
        """`policies` replace the configured retry policy of the channels they name."""
        self.sessions = sessions
        self.settings = settings
        self.render_limits = configured_limits(settings)
        self.registry = registry
        self.clock = clock or SystemClock()
        self.owner = owner or f"worker-{uuid.uuid4().hex[:12]}"
        self.lease = lease
        self.rand = rand
        self.gatekeeper = Gatekeeper(RateLimiter(), registry)
        self.policies = dict(policies or {})
        self._limits_cache: tuple[float, dict[str, ChannelLimits]] | None = None

    async def process(self, message_id: str) -> MessageStatus | None:
        """Take one claimed message as far as it goes now; return its status afterwards."""
        return (await self.process_many([message_id]))[message_id]

    async def process_many(self, message_ids: Sequence[str], concurrency: int = 1) -> dict[str, MessageStatus | None]:
        """Take claimed messages as far as they go now, up to `concurrency` sends at a time; their statuses after."""
        outcomes: dict[str, MessageStatus | None] = {}
        todo = list(message_ids)
        while todo:
            ready, settled = self.start(todo)
            outcomes.update(settled)
            results = await _gather_limited({message_id: self.send(plan) for message_id, plan in ready.items()},
                                            concurrency)
            finished, todo = self.record({message_id: (plan, results[message_id])
                                          for message_id, plan in ready.items()})
            outcomes.update(finished)
        return outcomes

    def start(self, message_ids: list[str]) -> tuple[dict[str, Plan], dict[str, MessageStatus | None]]:
        """Decide for claimed messages together: the plans of those marked SENDING, the statuses of the others."""
        plans = self._each_in_one_transaction(message_ids, self._prepare)
        ready = {message_id: plan for message_id, plan in plans.items() if isinstance(plan, Plan)}
        return ready, {message_id: plan for message_id, plan in plans.items() if not isinstance(plan, Plan)}

    def record(self, sent: dict[str, tuple[Plan, SendResult]]) -> tuple[dict[str, MessageStatus], list[str]]:
        """Record sends together: the new statuses, and the messages to take again now on their next channel."""
        after = self._each_in_one_transaction(list(sent), functools.partial(self._record_sent, sent))
        self._judge_senders([result.mailbox for _, result in sent.values() if result.mailbox is not None])
        return ({message_id: status for message_id, status in after.items() if status is not None},
                [message_id for message_id, status in after.items() if status is None])

    def _record_sent(self, sent: dict[str, tuple[Plan, SendResult]], db: Session, message_id: str,
                     loaded: Loaded) -> MessageStatus | None:
        plan, result = sent[message_id]
        return self._record(db, message_id, plan, result, loaded)

    def _each_in_one_transaction(self, message_ids: list[str],
                                 step: Callable[[Session, str, Loaded], T]) -> dict[str, T]:
        """`step` for every message in one transaction; if that fails, in one transaction per message.

        Nothing has left for a channel inside either step, so a failed batch can be rolled back and done again
        message by message; an error of a message on its own propagates as it always did.
        """
        if len(message_ids) > 1:
            try:
                with self.sessions() as db:
                    loaded = Loaded.of(db, message_ids)
                    done = {message_id: step(db, message_id, loaded) for message_id in message_ids}
                    loaded.write_deferred(db)
                    checkpoint(db)
                return done
            except BatchConflict as exc:
                log.info("%s; taking them one by one", exc)
            except Exception:
                log.exception("a batch of %d messages failed; taking them one by one", len(message_ids))
        done = {}
        for message_id in message_ids:
            with self.sessions() as db:
                done[message_id] = step(db, message_id, Loaded.of(db, [message_id]))
                checkpoint(db)
        return done

    def _company_replied(self, db: Session, lead: LeadDB, campaign: CampaignDB | None) -> str | None:
        """With stop_company_on_reply, a reply from anyone at the lead's company ends the campaign for all of it."""
        if campaign is None or not lead.company_domain:
            return None
        stops = self.gatekeeper.cached(("company_stop", campaign.id), lambda: bool(db.scalar(
            select(SequenceConfigDB.stop_company_on_reply).where(SequenceConfigDB.campaign_id == campaign.id))))
        if not stops:
            return None
        replied = db.scalar(select(LeadDB.id).where(
            LeadDB.company_domain == lead.company_domain, LeadDB.id != lead.id,
            LeadDB.status.in_(REPLY_STATUSES)).limit(1))
        return None if replied is None else f"lead {replied} at {lead.company_domain} replied"

    def _policy(self, channel: Channel, limits: ChannelLimits) -> RetryPolicy:
        return self.policies.get(channel) or retry_policy(limits)

    def _limits(self, db: Session) -> dict[str, ChannelLimits]:
        """The channel configuration, read at most every few seconds: a change applies within that time."""
        if self._limits_cache is None or time.monotonic() > self._limits_cache[0]:
            self._limits_cache = (time.monotonic() + CONFIG_TTL_SECONDS, channel_limits(db))
        return self._limits_cache[1]

    async def send(self, plan: Plan) -> SendResult:
        service = self.registry.get(plan.channel)
        assert service is not None  # the plan was made because the service exists
        try:
            return await service.send(plan.message, plan.lead)
        except Exception as exc:  # a channel bug must not lose the message: it is recorded and retried
            log.exception("channel %s raised on message %s", plan.channel, plan.message.id)
            return SendResult.failed(plan.channel, ErrorKind.TRANSIENT, f"channel error: {type(exc).__name__}: {exc}")

    def _prepare(self, db: Session, message_id: str, loaded: Loaded) -> Plan | MessageStatus | None:
        now = self.clock.now()
        message = loaded.messages.get(message_id)
        if message is None or message.lease_owner != self.owner or message.status is not MessageStatus.QUEUED:
            return None
        lead = loaded.leads.get(message.lead_id)
        if lead is None:
            return self._finish(message, MessageStatus.CANCELLED, "the lead was deleted", now)
        campaign = db.get(CampaignDB, message.campaign_id) if message.campaign_id is not None else None
        held = self._campaign_holds(message, campaign, now)
        if held is not None:
            return held
        lead_read = _addressed(lead, message)
        reason = self._stop_reason(db, lead, lead_read, message, campaign, loaded)
        if reason is not None:
            messages.cancel_for_lead(db, lead.id, reason, now)
            return self._finish(message, MessageStatus.CANCELLED, reason, now)
        all_limits = self._limits(db)
        pinned = message.mailbox is not None
        while True:
            channel = messages.current_channel(message)
            limits = all_limits[channel.value]
            skip = self.gatekeeper.skip_reason(channel, limits, lead_read)
            if skip is not None:
                outcome = self._skip(db, message, channel, skip, all_limits, now)
                if outcome is not None:
                    return outcome
                continue
            decision = self.gatekeeper.admit(db, message, lead, campaign, channel, all_limits, now)
            if isinstance(decision, Wait):
                return self._reschedule(message, decision.until, decision.reason, now)
            outgoing = _outgoing(db, message, channel, decision.mailbox)
            mark = {"message_id": message.id, "owner": self.owner, "at": now, "to_channel": channel,
                    "to_mailbox": decision.mailbox, "held": decision.reservation.to_dict(),
                    "lease_until": now + self.lease}
            if loaded.batched:
                loaded.marks.append(mark)  # written with the others; a mark that no longer holds fails them all
            elif not db.connection().execute(MARK_SENDING, mark).rowcount:
                self.gatekeeper.limiter.release(db, decision.reservation)
                log.warning("message %s changed while its send was decided; left as it now is", message.id)
                return None
            return Plan(outgoing, lead_read, channel, self._policy(channel, limits), pinned=pinned)

    def _campaign_holds(self, message: OutreachMessageDB, campaign: CampaignDB | None,
                        now: datetime) -> MessageStatus | None:
        """A paused campaign's message waits; one of a campaign no longer running is cancelled, unless the
        operator asked for it again."""
        if campaign is None or campaign.status == "running":
            return None
        if campaign.status == "paused":
            return self._reschedule(message, None, "campaign paused", now)
        if message.retried_at is not None:
            return None
        return self._finish(message, MessageStatus.CANCELLED, f"campaign {campaign.status}", now)

    def _stop_reason(self, db: Session, lead: LeadDB, lead_read: LeadRead, message: OutreachMessageDB,
                     campaign: CampaignDB | None, loaded: Loaded) -> str | None:
        """Why nothing may go to the lead now: its status, a suppression of its contact points (or of those the
        message names instead), or a reply from its company."""
        return (stop_reason(lead.status) or loaded.suppression_reason(db, lead)
                or (suppression.reason_for(db, lead_read) if message.contact_override else None)
                or self._company_replied(db, lead, campaign))

    def _skip(self, db: Session, message: OutreachMessageDB, channel: Channel, reason: str,
              all_limits: dict[str, ChannelLimits], now: object) -> MessageStatus | None:
        """Record why a channel was passed over and move to the next; a final status if none is left."""
        record_attempt(db, messages.as_outreach(message),
                       SendResult(status=SendStatus.SKIPPED, channel=channel, detail=reason), now=self.clock.now())
        step = after_attempt(self._progress(db, message, tried=message.attempts > 0), SendStatus.SKIPPED,
                             ErrorKind.CHANNEL_FAILED, self._policy(channel, all_limits[channel.value]), self.rand)
        if step.move is Move.NEXT_CHANNEL:
            message.channel_index, message.channel_attempts = step.channel_index, 0
            message.channel = messages.current_channel(message)
            return None
        assert step.status is not None
        status = self._finish(message, step.status, reason, self.clock.now())
        lead = db.get(LeadDB, message.lead_id)
        if status is MessageStatus.SKIPPED and lead is not None:
            # No channel of this step could reach the lead (e.g. a LinkedIn step, no profile): the next step may.
            flows.schedule_next(db, message, lead, self.clock.now(), limits=self.render_limits)
        return status

    def _record(self, db: Session, message_id: str, plan: Plan, result: SendResult,
                loaded: Loaded) -> MessageStatus | None:
        """Store the attempt and the message's next state together; None to try the next channel right away."""
        now = self.clock.now()
        message = loaded.messages.get(message_id)
        lead = loaded.leads.get(plan.message.lead_id)  # record_attempt finds it in the session as well
        sender = None if result.mailbox is None else self._mailbox_id(db, result.mailbox)
        if loaded.batched and result.event is None:
            loaded.attempts.append(attempt_row(plan.message, result, now=now, sender_id=sender))
            note_on_lead(db, plan.message, result, now)
        else:
            record_attempt(db, plan.message, result, now=now, sender_id=sender)
        if message is not None and result.event is EventKind.HARD_BOUNCE:
            message_event(db, WebhookEvent.MESSAGE_BOUNCED, message, plan.lead, now, status=MessageStatus.BOUNCED,
                          bounce={"channel": plan.channel.value, "hard": True, "detail": result.detail or None})
        if message is None or message.lease_owner != self.owner or message.status is not MessageStatus.SENDING:
            log.warning("message %s changed hands while sending; its attempt is recorded, its state left alone",
                        message_id)
            return message.status if message is not None else MessageStatus.CANCELLED
        if message.reservation and result.status is SendStatus.FAILED and result.error_kind is not ErrorKind.IN_DOUBT:
            # Caps count messages that went out; a failed attempt gives its slots back (one in doubt may have gone).
            self.gatekeeper.limiter.release(db, Reservation.from_dict(message.reservation))
        message.reservation = None
        if result.provider_message_id:
            message.provider_message_id = result.provider_message_id
        if result.status is SendStatus.FAILED:
            message.error_kind, message.last_error = result.error_kind, result.detail or None
        step = after_attempt(self._progress_after(db, message, plan, result), result.status, result.error_kind,
                             plan.policy, self.rand)
        log.info("message=%s lead=%s channel=%s outcome=%s kind=%s next=%s detail=%r", message.id, message.lead_id,
                 plan.channel.value, result.status.value, result.error_kind, step.move.value, result.detail)
        if step.move is Move.RETRY:
            message.channel_attempts += 1
            return self._reschedule(message, now + step.delay, None, now)
        if step.move in (Move.NEXT_CHANNEL, Move.OTHER_MAILBOX):
            if step.move is Move.NEXT_CHANNEL:
                message.channel_index, message.channel_attempts = step.channel_index, 0
                message.channel = messages.current_channel(message)
            else:
                message.mailbox = None  # the gatekeeper picks one that has not refused it
            messages.set_status(message, MessageStatus.QUEUED, now)
            return None
        assert step.status is not None
        self._finish(message, step.status, None if step.status is MessageStatus.SENT else message.last_error, now)
        if step.move is Move.STOP_LEAD and lead is not None:
            messages.cancel_for_lead(db, lead.id, f"stopped: {result.detail}", now)
        if step.status is MessageStatus.SENT and lead is not None:
            flows.after_sent(db, message, lead, result, now, limits=self.render_limits)
            message_event(db, WebhookEvent.MESSAGE_SENT, message, lead, now)
        return step.status

    def _judge_senders(self, names: list[str]) -> None:
        """The guard after every send outcome: a mailbox past a threshold pauses before it sends again."""
        if not names:
            return
        with self.sessions() as db:
            ids = {self._mailbox_id(db, name) for name in names}
            # Re-read every few seconds, as the channel configuration is: a change applies within that time.
            limits = self.gatekeeper.cached("guard", lambda: guard.thresholds(db, self.settings))
            paused = guard.check_mailboxes(db, [i for i in ids if i is not None], self.settings, self.clock.now(),
                                           limits)
            checkpoint(db)
        self.paused(paused)

    def paused(self, names: list[str]) -> None:
        """Mailboxes the guard just paused: no message is admitted on them from now on."""
        if names:
            self.gatekeeper.forget("mailboxes")
        for name in names:
            log.warning("mailbox=%s paused by the deliverability guard", name)

    def _mailbox_id(self, db: Session, name: str) -> int | None:
        return self.gatekeeper.cached(("mailbox_id", name), lambda: mailbox_id(db, name))

    def _progress_after(self, db: Session, message: OutreachMessageDB, plan: Plan, result: SendResult) -> Progress:
        progress = self._progress(db, message, tried=True, sent=result.status is not SendStatus.FAILED)
        if result.error_kind is ErrorKind.MAILBOX_REFUSED and not plan.pinned:
            return replace(progress, other_mailbox=self.gatekeeper.other_mailbox(db, message.id))
        return progress

    def _progress(self, db: Session, message: OutreachMessageDB, *, tried: bool, sent: bool = False) -> Progress:
        # Whether some channel hard-bounced only matters for a failure's final status.
        bounced = not sent and db.scalar(select(exists().where(DeliveryEventDB.message_id == message.id,
                                                               DeliveryEventDB.kind == EventKind.HARD_BOUNCE)))
        return Progress(message.channel_index, len(message.channel_order), message.channel_attempts,
                        bounced=bool(bounced), tried=tried)

    @staticmethod
    def _finish(message: OutreachMessageDB, status: MessageStatus, reason: str | None, now: object) -> MessageStatus:
        messages.set_status(message, status, now)  # type: ignore[arg-type]
        if reason is not None:
            message.last_error = reason
        message.lease_owner = message.lease_expires_at = message.next_attempt_at = None
        return status

    @staticmethod
    def _reschedule(message: OutreachMessageDB, until: object, reason: str | None, now: object) -> MessageStatus:
        messages.set_status(message, MessageStatus.PENDING, now)  # type: ignore[arg-type]
        message.next_attempt_at = until  # type: ignore[assignment]
        message.lease_owner = message.lease_expires_at = None
        if reason is not None:
            message.last_error = reason
        return MessageStatus.PENDING


def _outgoing(db: Session, message: OutreachMessageDB, channel: Channel, mailbox: str | None) -> OutreachMessage:
    """The message as its channel gets it: from the admitted mailbox, an email in the thread of the earlier ones."""
    outgoing = messages.as_outreach(message)
    outgoing.mailbox = mailbox
    if channel is Channel.EMAIL:
        outgoing.thread = messages.thread_of(db, message)
    return outgoing


def _addressed(lead: LeadDB, message: OutreachMessageDB) -> LeadRead:
    """The lead as the channels see it for this message: the contact points the message names replace its own."""
    lead_read = LeadRead.model_validate(lead)
    return lead_read.model_copy(update=message.contact_override) if message.contact_override else lead_read


async def _gather_limited(work: dict[str, Awaitable[T]], limit: int) -> dict[str, T]:
    """Await every item, at most `limit` at a time, in the order given; their results by key."""
    results: dict[str, T] = {}
    pending = iter(work.items())

    async def drain() -> None:
        for key, awaitable in pending:
            results[key] = await awaitable

    await asyncio.gather(*(drain() for _ in range(max(1, min(limit, len(work))))))
    return results
