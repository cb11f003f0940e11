"""A worker in a process of its own, as `aicmo worker` runs it, for the race and crash tests.

    python -m tests.support.worker_process URL [--lease SECONDS] [--concurrency N] [--forever]
"""

import argparse
import asyncio
import logging
from datetime import timedelta

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
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    sessions = make_session_factory(make_engine(args.url))
    registry = build_registry(sessions, Settings(database_url=args.url, smtp_timeout=10.0))
    worker = Worker(sessions, registry, concurrency=args.concurrency, lease=timedelta(seconds=args.lease),
                    poll_seconds=0.1)
    worker.install_signal_handlers()
    try:
        report = await worker.run(once=not args.forever)
    finally:
        await registry.aclose()
    print(f"processed={report.processed} recovered={report.recovered} in_doubt={report.in_doubt}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
