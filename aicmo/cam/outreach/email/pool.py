"""A mailbox's SMTP connections: several at once, so one recipient's slow server never holds up mail to others.

Up to `connections` sessions carry messages side by side. A session whose message has taken a few times longer
than this mailbox's messages usually take (and at the latest after `slow_after` seconds, see aicmo.pace) no longer
counts against that number: another is opened beside it, up to `max_connections` in all. Sessions are reused
newest first, so a quiet mailbox keeps few of them warm.
"""

import asyncio
import contextlib
import ssl
import time

from aicmo.cam.outreach.email.classify import SmtpReply
from aicmo.cam.outreach.email.mailbox import Mailbox
from aicmo.cam.outreach.email.smtp_client import MailboxConnection
from aicmo.cam.outreach.email.timeouts import SmtpTimeouts
from aicmo.pace import SlowAfter


class MailboxPool:
    def __init__(self, mailbox: Mailbox, *, timeouts: SmtpTimeouts, tls_context: ssl.SSLContext,
                 local_hostname: str, connections: int = 4, max_connections: int = 20,
                 slow_after: float = 5.0) -> None:
        if connections < 1 or max_connections < connections:
            raise ValueError(f"{connections} connection(s) up to {max_connections}: need 1 <= usual <= most")
        self.mailbox = mailbox
        self._timeouts, self._tls_context, self._local_hostname = timeouts, tls_context, local_hostname
        self._connections, self._max_connections = connections, max_connections
        self._slow = SlowAfter(slow_after)
        self._idle: list[MailboxConnection] = []
        self._busy: dict[MailboxConnection, float] = {}  # when each busy session took its message
        self._changed = asyncio.Condition()

    @property
    def open_connections(self) -> int:
        return len(self._busy) + sum(connection.is_open for connection in self._idle)

    async def deliver(self, sender: str, recipient: str, data: "bytes | asyncio.Future[bytes]", *,
                      recipient_sent: "asyncio.Future[None] | None" = None) -> SmtpReply:
        """MailboxConnection.deliver on a session of the pool, once one is free or may be opened."""
        connection = await self._take()
        try:
            return await connection.deliver(sender, recipient, data, recipient_sent=recipient_sent)
        finally:
            await self._give_back(connection)

    async def aclose(self) -> None:
        async with self._changed:
            connections = [*self._idle, *self._busy]
            self._idle.clear()
        for connection in connections:
            await connection.aclose()

    async def _take(self) -> MailboxConnection:
        async with self._changed:
            while True:
                now = time.monotonic()
                if self._active(now) < self._connections and len(self._busy) < self._max_connections:
                    connection = self._idle.pop() if self._idle else self._new()
                    self._busy[connection] = now
                    return connection
                with contextlib.suppress(TimeoutError):  # woken by a session coming back, or one turning slow
                    await asyncio.wait_for(self._changed.wait(), self._until_one_turns_slow(now))

    async def _give_back(self, connection: MailboxConnection) -> None:
        async with self._changed:
            started = self._busy.pop(connection, None)
            if started is not None:
                self._slow.observe(time.monotonic() - started)
            self._idle.append(connection)
            self._changed.notify_all()  # each waiter checks again; one timing out cannot swallow the wake-up

    def _active(self, now: float) -> int:
        return sum(1 for started in self._busy.values() if now - started < self._slow.seconds)

    def _until_one_turns_slow(self, now: float) -> float | None:
        waits = [started + self._slow.seconds - now for started in self._busy.values()
                 if now - started < self._slow.seconds]
        return max(min(waits), 0.001) if waits else None

    def _new(self) -> MailboxConnection:
        return MailboxConnection(self.mailbox, timeout=self._timeouts, tls_context=self._tls_context,
                                 local_hostname=self._local_hostname)
