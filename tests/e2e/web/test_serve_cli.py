"""`aicmo serve` as a user runs it: one process, or several on one listening socket."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from aicmo.cam.auth.service import MAX_FAILURES
from aicmo.web.security_headers import POLICY

AICMO = str(Path(sys.executable).with_name("aicmo"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(tmp_path: Path, workers: int = 1, **settings: str) -> Iterator[tuple[str, str]]:
    """`aicmo serve` on a fresh database: its address and an API key."""
    port = free_port()
    env = {**os.environ, "AICMO_DATABASE_URL": f"sqlite:///{tmp_path / 'aicmo.db'}", "AICMO_SECRET_KEY": "s" * 32,
           **settings}
    key = subprocess.run([AICMO, "apikey", "create", "probe"], env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    server = subprocess.Popen([AICMO, "serve", "--port", str(port), "--workers", str(workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert health.json() == {"status": "ok"}
        yield f"http://127.0.0.1:{port}", key
    finally:
        server.terminate()
        server.wait(30)


@pytest.mark.parametrize("workers", [1, 2])
def test_serves_the_api_with_one_or_several_processes(tmp_path: Path, workers: int) -> None:
    with serving(tmp_path, workers) as (base, key):
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as api:
            for _ in range(workers * 3):  # keep-alive requests, answered by whichever process accepted
                assert api.get("/api/leads").status_code == 200
        assert httpx.get(f"{base}/api/leads").status_code == 401


def log_in(client: httpx.Client, secret: str, forwarded_for: str | None = None) -> httpx.Response:
    form = client.get("/app/login").text
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/app/login", data={"csrf_token": token, "api_key": secret}, headers=headers)


def test_a_forwarded_address_from_an_untrusted_peer_does_not_dodge_the_login_limit(tmp_path: Path) -> None:
    with serving(tmp_path) as (base, key), httpx.Client(base_url=base) as visitor:
        for n in range(MAX_FAILURES):
            assert log_in(visitor, "aicmo_wrong", forwarded_for=f"203.0.113.{n}").status_code == 401
        blocked = log_in(visitor, key, forwarded_for="198.51.100.7")
    assert blocked.status_code == 429 and "too many failed logins" in blocked.text


def test_a_configured_proxy_is_believed(tmp_path: Path) -> None:
    with serving(tmp_path, AICMO_TRUSTED_PROXIES="127.0.0.1") as (base, key), httpx.Client(base_url=base) as visitor:
        for n in range(MAX_FAILURES):
            assert log_in(visitor, "aicmo_wrong", forwarded_for=f"203.0.113.{n}").status_code == 401
        # Each failure came, through the proxy, from another client: the operator's own address is not blocked.
        assert log_in(visitor, key, forwarded_for="198.51.100.7").status_code == 303


def test_pages_carry_the_security_headers_and_the_api_docs_keep_their_scripts(tmp_path: Path) -> None:
    with serving(tmp_path) as (base, _key):
        login = httpx.get(f"{base}/app/login")
        docs = httpx.get(f"{base}/docs")
    assert login.headers["content-security-policy"] == POLICY
    assert (login.headers["x-frame-options"], login.headers["x-content-type-options"],
            login.headers["referrer-policy"]) == ("DENY", "nosniff", "same-origin")
    assert "content-security-policy" not in docs.headers and docs.headers["x-frame-options"] == "DENY"
