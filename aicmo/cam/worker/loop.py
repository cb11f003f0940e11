"""The worker: claim due messages, deliver them a few at a time, and stop cleanly on SIGTERM or SIGINT."""

import asyncio
import contextlib
import logging
import random
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.deliverability import guard
from aicmo.cam.engine.claim import claim_due, next_due, recover_expired, release, renew_leases
from aicmo.cam.engine.dispatch import Dispatcher
from aicmo.cam.experiments.decisions import review_all
from aicmo.cam.outreach.domain import Channel, MessageStatus
from aicmo.cam.outreach.email.channel import EmailOutreachService
from aicmo.cam.outreach.email.store import load_mailboxes
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.cam.webhooks.scheduled import PeriodicDelivery
from aicmo.cam.worker.flow import SendFlow
from aicmo.clock import Clock, ManualClock
from aicmo.db.unit_of_work import checkpoint
from aicmo.settings import Settings

if TYPE_CHECKING:
    from aicmo.cam.inbox.poller import PeriodicPoll

log = logging.getLogger("aicmo.worker")
MAILBOX_REFRESH_SECONDS = 10.0
# Experiments are reviewed this often: their rule is built for daily looks, so hourly is plenty.
EXPERIMENT_REVIEW = timedelta(hours=1)


@dataclass
class WorkerReport:
    processed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    recovered: int = 0
    in_doubt: int = 0


class Worker:
    def __init__(self, sessions: sessionmaker[Session], registry: ChannelRegistry, *, clock: Clock | None = None,
                 concurrency: int = 1, batch: int = 50, poll_seconds: float = 5.0,
                 lease: timedelta = timedelta(minutes=5), owner: str | None = None,
                 inbox: "PeriodicPoll | None" = None, settings: Settings,
                 webhooks: PeriodicDelivery | None = None, rand: Callable[[], float] = random.random) -> None:
        """`rand` draws the jitter of retry backoffs (fixed in tests that compare schedules)."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.dispatcher = Dispatcher(sessions, registry, clock=clock, owner=owner, lease=lease, settings=settings,
                                     rand=rand)
        self.sessions = sessions
        self.concurrency = concurrency
        self.batch = max(batch, concurrency)
        self.poll_seconds = poll_seconds
        self.stopping = asyncio.Event()
        self.report = WorkerReport()
        self._mailboxes_checked = 0.0
        self._experiments_reviewed: datetime | None = None
        self._guard_checked = 0.0
        self.inbox = inbox  # replies, bounces and complaints read beside the sends
        # Outgoing webhooks go out beside the sends too, on the worker's clock.
        self.webhooks = webhooks or PeriodicDelivery(sessions, self.dispatcher.settings, clock=self.dispatcher.clock)

    @property
    def clock(self) -> Clock:
        return self.dispatcher.clock

    def stop(self) -> None:
        """Finish the messages in hand, hand back the rest, and return from run()."""
        self.stopping.set()

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)

    async def run(self, *, once: bool = False) -> WorkerReport:
        """Deliver until stopped; with once=True, until nothing is due any more."""
        log.info("worker=%s start concurrency=%d", self.dispatcher.owner, self.concurrency)
        self.webhooks.start()
        try:
            while not self.stopping.is_set():
                if self.inbox is not None:
                    self.inbox.maybe_start()
                self._judge_mailboxes()
                worked = await self.run_batch()
                if worked:
                    continue
                self._complete_campaigns()
                self._review_experiments()
                if once:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), self.poll_seconds)
        finally:
            if self.inbox is not None:
                await self.inbox.finish()
            await self.webhooks.finish(flush=once)  # once: what the sends just caused goes out before returning
            with self.sessions() as db:
                released = release(db, owner=self.dispatcher.owner, now=self.clock.now())
            log.info("worker=%s stop processed=%d released=%d outcomes=%s", self.dispatcher.owner,
                     self.report.processed, released, dict(self.report.outcomes))
        return self.report

    async def run_batch(self) -> int:
        """Claim and deliver until nothing more is due and nothing is in flight; return how many were claimed.

        A stop waits for the sends in flight only; what was claimed but not started goes back to the queue.
        """
        await self._refresh_mailboxes()
        settings = self.dispatcher.settings
        flow = SendFlow(self.dispatcher, self._claim, self._renew_leases, concurrency=self.concurrency,
                        slow_after=settings.smtp_slow_reply_seconds, max_slow=settings.worker_max_slow_sends,
                        stopping=self.stopping, on_outcomes=self._count,
                        renew_every=self.dispatcher.lease.total_seconds() / 3, poll_seconds=min(self.poll_seconds, 1.0))
        return await flow.run()

    def _claim(self) -> list[str]:
        now = self.clock.now()
        with self.sessions() as db:
            requeued, doubtful = recover_expired(db, now)
            self.report.recovered += requeued
            self.report.in_doubt += doubtful
            return claim_due(db, owner=self.dispatcher.owner, now=now, lease=self.dispatcher.lease, limit=self.batch)

    def _renew_leases(self) -> None:
        with self.sessions() as db:
            renew_leases(db, owner=self.dispatcher.owner, now=self.clock.now(), lease=self.dispatcher.lease)

    def _count(self, outcomes: dict[str, MessageStatus | None]) -> None:
        for status in outcomes.values():
            self.report.processed += 1
            self.report.outcomes[str(status)] += 1

    async def _refresh_mailboxes(self) -> None:
        """Mailboxes added or changed since start-up are used without restarting the worker."""
        email = self.dispatcher.registry.get(Channel.EMAIL)
        if not isinstance(email, EmailOutreachService) or time.monotonic() < self._mailboxes_checked:
            return
        self._mailboxes_checked = time.monotonic() + MAILBOX_REFRESH_SECONDS
        with self.sessions() as db:
            mailboxes = load_mailboxes(db)
        await email.refresh(mailboxes)

    def _judge_mailboxes(self) -> None:
        """The guard on a timer as well: figures that changed without a send (a bounce read later, a threshold
        lowered) pause a mailbox even while nothing goes out from it."""
        if time.monotonic() < self._guard_checked:
            return
        self._guard_checked = time.monotonic() + self.dispatcher.settings.guard_check_seconds
        with self.sessions() as db:
            paused = guard.check_mailboxes(db, None, self.dispatcher.settings, self.clock.now())
            checkpoint(db)
        self.dispatcher.paused(paused)

    def _complete_campaigns(self) -> None:
        with self.sessions() as db:
            for campaign in db.scalars(select(CampaignDB).where(CampaignDB.status == campaigns.RUNNING)):
                if campaigns.complete_if_done(db, campaign, now=self.clock.now()):
                    log.info("campaign=%s completed", campaign.name)
            checkpoint(db)

    def _review_experiments(self) -> None:
        """Ask each running experiment's winner rule, at most once an EXPERIMENT_REVIEW of the worker's clock."""
        now = self.clock.now()
        if self._experiments_reviewed is not None and now - self._experiments_reviewed < EXPERIMENT_REVIEW:
            return
        self._experiments_reviewed = now
        with self.sessions() as db:
            for experiment, decision in review_all(db, now=now):
                if experiment.winner is not None and experiment.decided_at == now:
                    log.info("campaign=%s step=%d experiment winner=%s", experiment.campaign_id,
                             experiment.step + 1, decision.winner)
            checkpoint(db)


async def run_accelerated(worker: Worker, clock: ManualClock, *, until: datetime | None = None) -> WorkerReport:
    """Deliver everything, moving the clock straight to the next due message whenever nothing is due now."""
    while not worker.stopping.is_set():
        await worker.run(once=True)
        with worker.sessions() as db:
            due = next_due(db)
        if due is None or (until is not None and due > until):
            break
        clock.move_to(due)
    return worker.report
