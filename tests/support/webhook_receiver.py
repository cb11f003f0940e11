"""A real HTTP endpoint for tests: a ThreadingHTTPServer on 127.0.0.1 that records what it is sent.

It checks each request's `X-Aicmo-Signature` (HMAC-SHA256 over "<timestamp>.<body>", computed here
independently of aicmo's own code) and answers 401 to a bad one; otherwise it answers what the test queued
with `reply()`, or with a function of the request.

    with WebhookReceiver(secret="s3cret") as hook:
        hook.reply(200, {"status": "sent", "id": "x1"})
        ...  # point the code under test at hook.url
        assert hook.requests[0].signature_ok
"""

import hashlib
import hmac
import json
import socket
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SIGNATURE_HEADER = "X-Aicmo-Signature"


def _mac(secret: str, body: bytes, timestamp: str) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """A signature header value, the way a third-party automation would compute it."""
    return f"t={timestamp},v1={_mac(secret, body, str(timestamp))}"


def signature_matches(secret: str, body: bytes, header: str | None) -> bool:
    parts = dict(part.split("=", 1) for part in (header or "").split(",") if "=" in part)
    if not parts.get("t", "").isdigit() or "v1" not in parts:
        return False
    return hmac.compare_digest(_mac(secret, body, parts["t"]), parts["v1"])


def refused_url() -> str:
    """A local URL nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b""
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


Responder = Callable[[Received], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a deliberately slow answer must not hold the test up at shutdown
    receiver: "WebhookReceiver"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout tests) breaks the pipe: expected, not worth a traceback."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    disable_nagle_algorithm = True  # the answer's headers and body go out at once, not 40 ms apart

    def do_POST(self) -> None:
        self.server.receiver._handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        return None


class WebhookReceiver:
    def __init__(self, secret: str | None = None, path: str = "/hook") -> None:
        self.secret = secret
        self.path = path
        self.requests: list[Received] = []
        self._replies: deque[Reply | Responder] = deque()
        self._default: Reply | Responder = Reply(200, {"status": "sent"})
        self._release = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.receiver = self
        # A short poll interval lets stop() return at once instead of after the default half second.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self.path}"

    def reply(self, status: int = 200, body: bytes | str | dict[str, Any] | list[Any] = b"", *,
              delay: float = 0.0, always: bool = False) -> None:
        """Queue the answer to the next request (or, with always, to every request not otherwise queued)."""
        self.respond_with(Reply(status, body, delay), always=always)

    def respond_with(self, answer: Reply | Responder, *, always: bool = False) -> None:
        if always:
            self._default = answer
        else:
            self._replies.append(answer)

    def _handle(self, handler: _Handler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in handler.headers.items()}
        ok = self.secret is None or signature_matches(self.secret, body, headers.get(SIGNATURE_HEADER.lower()))
        received = Received(handler.command, handler.path, headers, body, ok)
        self.requests.append(received)
        if not ok:
            answer: Reply | Responder = Reply(401, {"error": "bad signature"})
        else:
            answer = self._replies.popleft() if self._replies else self._default
        reply = answer(received) if callable(answer) else answer
        if reply.delay:
            self._release.wait(reply.delay)
        payload = reply.encoded()
        try:
            handler.send_response(reply.status)
            for name, value in {"Content-Type": "application/json", **reply.headers}.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the client timed out and went away

    def start(self) -> "WebhookReceiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "WebhookReceiver":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
