"""Serve an ASGI app over real HTTP for a test: uvicorn in a thread, on a free port of 127.0.0.1.

    with serve_app(create_app(settings, sessions)) as base_url:
        httpx.get(f"{base_url}/health")
"""

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

STARTUP_LIMIT = 30.0  # seconds; a bound on waiting for startup, not something a test measures
# Built once: an httpx.Client makes its own otherwise, loading the CA bundle (about 25 ms), for every test's clients.
_TLS = ssl.create_default_context()


def local_client(base_url: str, **options: Any) -> httpx.Client:
    """An httpx client for a server a test started (plain HTTP on 127.0.0.1)."""
    return httpx.Client(base_url=base_url, verify=_TLS, **options)


@contextmanager
def serve_app(app: FastAPI) -> Iterator[str]:
    """Yield the base URL (http://127.0.0.1:PORT) while the app is served; stop it on exit."""
    # Named TCP, as `aicmo serve` binds it: asyncio leaves Nagle's algorithm on otherwise, and every request after
    # the first on a kept-alive connection waits ~40 ms for a delayed ACK.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="http-app", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_LIMIT
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        if not server.started:
            raise RuntimeError("the app did not start (see the log above)")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(STARTUP_LIMIT)
        listener.close()
