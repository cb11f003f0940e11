"""POST a large body streamed from a generator over a raw socket, and read the answer as soon as it comes.

A client like httpx stops at the first failed write, when a server answers early and closes: this one keeps the
answer a server gives before it has read the body, which is what the tests of early refusals look at.
"""

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import psutil

CHUNK = 64 * 1024
PAUSE = 10.0  # seconds; a bound on waiting for an early answer, not something measured


@dataclass
class Answer:
    status: int | None  # None: the connection closed before any answer
    head: str
    bytes_sent: int
    peak_rss_growth: int  # bytes: the most this process's memory grew by while the request ran


def zeros(total: int) -> Iterator[bytes]:
    block = b"0" * CHUNK
    for start in range(0, total, CHUNK):
        yield block[: min(CHUNK, total - start)]


def streamed_post(base_url: str, path: str, total: int, headers: dict[str, str] | None = None,
                  chunked: bool = False, timeout: float = 60.0, wait_after: int | None = None) -> Answer:
    """Send `total` bytes to `path`; stop sending once the server has answered.

    With `wait_after`, sending pauses once that many bytes are out until the server answers (or PAUSE seconds
    pass): an answer then shows the server refused the body before it was all sent.
    """
    url = urlsplit(base_url)
    sock = socket.create_connection((url.hostname or "127.0.0.1", url.port or 80), timeout=timeout)
    lines = [f"POST {path} HTTP/1.1", f"Host: {url.netloc}", "Content-Type: application/json",
             "Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}",
             *(f"{name}: {value}" for name, value in (headers or {}).items())]
    received = bytearray()
    answered = threading.Event()

    def read() -> None:
        try:
            while b"\r\n\r\n" not in received and (data := sock.recv(65536)):
                received.extend(data)
        except OSError:
            pass
        answered.set()

    memory = _PeakRss()
    reader = threading.Thread(target=read, daemon=True)
    sent = 0
    with memory, sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        reader.start()
        try:
            for block in zeros(total):
                if answered.is_set():
                    break
                sock.sendall(b"%x\r\n%b\r\n" % (len(block), block) if chunked else block)
                sent += len(block)
                if wait_after is not None and sent >= wait_after:
                    answered.wait(PAUSE)
            if chunked and not answered.is_set():
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass
        answered.wait(timeout)
    head = bytes(received).split(b"\r\n\r\n", 1)[0].decode("latin-1")
    status = int(head.split(" ", 2)[1]) if head.startswith("HTTP/") else None
    return Answer(status, head, sent, memory.growth)


class _PeakRss:
    """The most this process's resident memory grew by while the block ran, sampled every few milliseconds."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._stop = threading.Event()
        self.growth = 0

    def __enter__(self) -> "_PeakRss":
        self._start = self._process.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.growth = max(self.growth, self._process.memory_info().rss - self._start)
            time.sleep(0.005)

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
