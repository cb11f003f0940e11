"""A worker in a process of its own, as `aicmo worker` runs it, for the race and crash tests.

    python -m tests.support.worker_process URL [--lease SECONDS] [--concurrency N] [--forever] [--barrier DIR]

With --barrier, the worker gets ready (imports, engine, channels), writes DIR/ready-PID, and starts only once
DIR/go exists: workers that start together really race, however slowly a loaded machine imports them.
"""

import argparse
import asyncio
import logging
import os
import time
from datetime import timedelta
from pathlib import Path

from aicmo.cam.outreach.channels import build_registry
from aicmo.cam.worker.loop import Worker
from aicmo.db.engine import make_engine, make_session_factory
from aicmo.settings import Settings


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--lease", type=float, default=300.0)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--forever", action="store_true")
    parser.add_argument("--barrier", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    sessions = make_session_factory(make_engine(args.url))
    settings = Settings(database_url=args.url, smtp_timeout=10.0)
    registry = build_registry(sessions, settings)
    worker = Worker(sessions, registry, concurrency=args.concurrency, lease=timedelta(seconds=args.lease),
                    poll_seconds=0.1, settings=settings)
    worker.install_signal_handlers()
    if args.barrier is not None:
        wait_at(args.barrier)
    try:
        report = await worker.run(once=not args.forever)
    finally:
        await registry.aclose()
    print(f"processed={report.processed} recovered={report.recovered} in_doubt={report.in_doubt}", flush=True)


def wait_at(barrier: Path, limit: float = 300.0) -> None:
    (barrier / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + limit
    while not (barrier / "go").exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"no go at {barrier} after {limit:.0f} s")
        time.sleep(0.02)


if __name__ == "__main__":
    asyncio.run(main())
