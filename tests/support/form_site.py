"""A real website on 127.0.0.1 for tests and benchmarks: serves the pages you give it, records every request.

    with FormSite() as site:
        site.page("/contact", "<form method=post>…</form>")
        site.route("POST", "/contact", lambda got: Reply(body="Thank you!"))
        ... site.url("/contact") ...
        assert site.posts[0].fields["email"] == ["me@example.com"]

Runs a stdlib ThreadingHTTPServer (HTTP/1.1, keep-alive) in a thread on an ephemeral port of 127.0.0.1, or of
another local address (`FormSite(host="127.0.0.2")`), over TLS when given a server context. A Reply can be
delayed, and its body can be an iterable of chunks (sent with chunked transfer encoding) for huge pages.
"""

import email.parser
import email.policy
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    fields: dict[str, list[str]]  # the form fields of an urlencoded or multipart body

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip()

    def field(self, name: str) -> str:
        values = self.fields.get(name, [])
        assert len(values) == 1, f"{name!r} sent {len(values)} times: {values}"
        return values[0]


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | Iterable[bytes] = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the answer starts


Handler = Callable[[Received], Reply]


def parse_fields(content_type: str, body: bytes) -> dict[str, list[str]]:
    """The fields of an application/x-www-form-urlencoded or multipart/form-data body."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return parse_qs(body.decode(), keep_blank_values=True)
    if kind != "multipart/form-data":
        return {}
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    found: dict[str, list[str]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        found.setdefault(str(name), []).append(payload.decode() if isinstance(payload, bytes) else "")
    return found


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10
    # Headers and body go out in separate writes: with Nagle on, the client's delayed ACK adds 40 ms to each.
    disable_nagle_algorithm = True
    server: "_Server"

    def log_message(self, format: str, *args: object) -> None:
        return None

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        got = Received(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True), headers, body,
                       parse_fields(headers.get("content-type", ""), body))
        self.server.site.record(got)
        handler = self.server.site.routes.get((self.command, parts.path))
        reply = handler(got) if handler else Reply(404, "<h1>Not found</h1>")
        if reply.delay:
            time.sleep(reply.delay)
        try:
            self._answer(reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _answer(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if isinstance(reply.body, bytes | str):
            data = reply.body.encode() if isinstance(reply.body, str) else reply.body
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in reply.body:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    do_GET = _handle
    do_POST = _handle
    do_HEAD = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    site: "FormSite"


class FormSite:
    def __init__(self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        self.host = host
        self.tls = tls
        self.routes: dict[tuple[str, str], Handler] = {}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "FormSite":
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        self._server = _Server((self.host, 0), _RequestHandler)
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        self._server.site = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True, name="form-site")
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def port(self) -> int:
        assert self._server is not None, "the site is not started"
        return int(self._server.server_address[1])

    def url(self, path: str = "/", host: str | None = None) -> str:
        """The page's URL, naming the site by its address or by `host` (a name that resolves to it)."""
        return f"{'https' if self.tls else 'http'}://{host or self.host}:{self.port}{path}"

    def record(self, got: Received) -> None:
        with self._lock:
            self.received.append(got)

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method.upper(), path)] = handler

    def page(self, path: str, html: str | bytes, **reply: object) -> None:
        """Serve this content to GET requests for the path."""
        answer = Reply(body=html, **reply)  # type: ignore[arg-type]
        self.route("GET", path, lambda _got: answer)

    def redirect(self, method: str, path: str, to: str, status: int = 303) -> None:
        self.route(method, path, lambda _got: Reply(status, "", headers={"Location": to}))

    @property
    def posts(self) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.method == "POST"]

    def requests_to(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path == path]


def chunks(size: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
    """`size` bytes of HTML-looking filler in chunks, for pages larger than a size cap."""
    block = (b"<p>" + b"x" * 90 + b"</p>\n") * (chunk // 98 + 1)
    sent = 0
    while sent < size:
        part = block[: min(chunk, size - sent)]
        sent += len(part)
        yield part
