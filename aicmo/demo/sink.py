"""A local mail server standing in for the leads' mail servers: accepts mail, rejects some addresses as unknown."""

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class MailSink:
    """Records what it accepted; `unknown(address)` decides which recipients get 550 5.1.1."""

    unknown: Callable[[str], bool] = lambda _address: False
    received: list[tuple[str, str]] = field(default_factory=list)  # (recipient, subject)
    rejected: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _controller: Controller | None = None

    def start(self) -> tuple[str, int]:
        port = _free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=port)
        self._controller.start()
        return "127.0.0.1", port

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        if self.unknown(address):
            with self._lock:
                self.rejected.append(address)
            return "550 5.1.1 Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content: Any = envelope.content
        subject = str(message_from_bytes(content)["Subject"] or "")
        with self._lock:
            self.received.extend((rcpt, subject) for rcpt in envelope.rcpt_tos)
        return "250 2.0.0 Ok: queued"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
