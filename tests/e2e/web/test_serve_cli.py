"""`aicmo serve` as a user runs it: one process, or several on one listening socket."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

AICMO = str(Path(sys.executable).with_name("aicmo"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("workers", [1, 2])
def test_serves_the_api_with_one_or_several_processes(tmp_path: Path, workers: int) -> None:
    port = free_port()
    env = {**os.environ, "AICMO_DATABASE_URL": f"sqlite:///{tmp_path / 'aicmo.db'}", "AICMO_SECRET_KEY": "s" * 32}
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
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"}) as api:
            for _ in range(workers * 3):  # keep-alive requests, answered by whichever process accepted
                assert api.get("/api/leads").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/leads").status_code == 401
    finally:
        server.terminate()
        server.wait(30)
