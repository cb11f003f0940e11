"""Claimed messages kept moving: a slow send never holds up the others.

Up to `concurrency` sends run at a time. Once half of them (or all that are not slow) have finished, every
finished send is recorded in one transaction and their places go to the next claimed messages at once (decided
together in one transaction too); a new batch is claimed as soon as there is room for more than are waiting.
A send running a few times longer than sends usually take (at the latest after `slow_after` seconds, see
aicmo.pace; a server taking minutes to answer) stops counting against `concurrency`, up to `max_slow` such sends
at a time, so a few slow recipients cannot take every place. While sends run, the leases of the messages in hand
are renewed, so a send that takes as long as its timeouts allow is never mistaken for one of a worker that
vanished.
"""

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from aicmo.cam.engine.dispatch import Dispatcher, Plan
from aicmo.cam.outreach.domain import MessageStatus, SendResult
from aicmo.pace import SlowAfter

Outcomes = dict[str, MessageStatus | None]


@dataclass
class SendFlow:
    dispatcher: Dispatcher
    claim: Callable[[], list[str]]  # the next batch of claimed message ids (empty: nothing due)
    renew: Callable[[], None]  # extend the leases of the messages in hand
    concurrency: int
    slow_after: float
    max_slow: int
    stopping: asyncio.Event
    on_outcomes: Callable[[Outcomes], None]
    renew_every: float = 60.0
    poll_seconds: float = 1.0
    claimed: int = 0
    _waiting: deque[str] = field(default_factory=deque)
    _sending: dict["asyncio.Task[SendResult]", tuple[Plan, float]] = field(default_factory=dict)
    _renew_at: float = 0.0
    _slow: SlowAfter | None = None

    async def run(self) -> int:
        """Claim and deliver until nothing is due and nothing is in flight (or a stop); return how many claimed."""
        self._renew_at = time.monotonic() + self.renew_every
        self._slow = SlowAfter(self.slow_after)
        due = True
        while True:
            if not self.stopping.is_set():
                room = self._room()
                if due and room > len(self._waiting):
                    ids = self.claim()
                    self.claimed += len(ids)
                    self._waiting.extend(ids)
                    due = bool(ids)
                if room > 0 and self._waiting:
                    self._start([self._waiting.popleft() for _ in range(min(room, len(self._waiting)))])
                    continue
            if not self._sending:
                return self.claimed
            await self._settle_some()
            due = True  # something finished or time passed: look for due messages again

    def _room(self) -> int:
        now, slow_after = time.monotonic(), self._slow_after()
        busy = sum(1 for _, started in self._sending.values() if now - started < slow_after)
        return max(0, min(self.concurrency - busy, self.concurrency + self.max_slow - len(self._sending)))

    def _slow_after(self) -> float:
        return self.slow_after if self._slow is None else self._slow.seconds

    def _start(self, message_ids: list[str]) -> None:
        plans, settled = self.dispatcher.start(message_ids)
        self.on_outcomes(settled)
        now = time.monotonic()
        for plan in plans.values():
            self._sending[asyncio.ensure_future(self.dispatcher.send(plan))] = (plan, now)

    async def _settle_some(self) -> None:
        """Wait until half the places are free again, or every send that is not slow has finished (or one turns
        slow, or a lease is due for renewal), and record every send finished by then, together."""
        await self._until_enough_finished()
        if time.monotonic() >= self._renew_at:
            self.renew()
            self._renew_at = time.monotonic() + self.renew_every
        done = [task for task in self._sending if task.done()]
        if not done:
            return
        sent, now = {}, time.monotonic()
        for task in done:
            plan, started = self._sending.pop(task)
            sent[plan.message.id] = (plan, task.result())
            if self._slow is not None:
                self._slow.observe(now - started)
        finished, again = self.dispatcher.record(sent)
        self.on_outcomes(dict(finished))
        self._waiting.extendleft(reversed(again))  # on to their next channel now, before anything newer

    async def _until_enough_finished(self) -> None:
        now, slow_after = time.monotonic(), self._slow_after()
        deadline = now + self._next_wake()
        active = [task for task, (_, started) in self._sending.items() if now - started < slow_after]
        if not active:
            await asyncio.wait(self._sending, timeout=deadline - now, return_when=asyncio.FIRST_COMPLETED)
            return
        enough = max(1, self.concurrency // 2)  # few enough transactions, and no waiting on a send turning slow
        while (waiting := [task for task in active if not task.done()]) and time.monotonic() < deadline:
            if sum(task.done() for task in self._sending) >= enough:
                return
            await asyncio.wait(waiting, timeout=deadline - time.monotonic(), return_when=asyncio.FIRST_COMPLETED)

    def _next_wake(self) -> float:
        now, slow_after = time.monotonic(), self._slow_after()
        turns_slow = [started + slow_after - now for _, started in self._sending.values()
                      if now - started < slow_after]
        return max(0.001, min([*turns_slow, self._renew_at - now, self.poll_seconds]))
