"""The slow-recipient scenario of `bench/dispatch.py --slow K`: does a slow server hold up mail to others?

N messages (one per lead, one mailbox) go through one in-process worker into an aiosmtpd sink in a thread. First
every recipient answers at once; then K of them, spread through the queue, answer the end of DATA only after
DELAY seconds. Each run is timed from the worker's start to the moment the sink accepted the last recipient
that is not slow; the ratio of the two times is how much the slow ones delayed everybody else (1.0: not at
all). The slow recipients must each arrive exactly once, and every message must end SENT.
"""

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class SlowSink:
    """Accepts every message, the slow recipients' only after `delay`; notes when each recipient was accepted."""

    def __init__(self, slow: set[str], delay: float) -> None:
        self.slow, self.delay = slow, delay
        self._lock = threading.Lock()
        self.accepted: dict[str, float] = {}
        self.arrivals: Counter[str] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        recipient = envelope.rcpt_tos[0]
        with self._lock:
            self.arrivals[recipient] += 1
        if recipient in self.slow:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.accepted[recipient] = time.perf_counter()
        return "250 2.0.0 Ok"


@dataclass
class SlowRun:
    slow: int
    seconds: float  # from the worker's start to the last recipient that is not slow accepted
    problems: list[str]


def slow_addresses(count: int, slow: int) -> set[str]:
    """`slow` of the bench's recipients (lead{i}@company{i}.example), evenly spread through the queue."""
    step = count // slow if slow else count
    return {f"lead{i}@company{i}.example" for i in range(step // 2, count, step)} if slow else set()


def measure(count: int, slow: int, delay: float, *, sink_at: Callable[[SlowSink], AbstractContextManager[int]],
            database: Callable[[], AbstractContextManager[str]], seed: Callable[[str, int, int], None],
            deliver: Callable[[str], float], check: Callable[[str], list[str]]) -> SlowRun:
    """One run: `count` messages, `slow` of them slow; the time until every other one was accepted."""
    addresses = slow_addresses(count, slow)
    sink = SlowSink(addresses, delay)
    with sink_at(sink) as port, database() as url:
        seed(url, count, port)
        started = time.perf_counter()
        deliver(url)
        problems = check(url)
    fast = [moment for recipient, moment in sink.accepted.items() if recipient not in addresses]
    if len(fast) != count - len(addresses):
        problems.append(f"{len(fast):,} of {count - len(addresses):,} other recipients accepted")
    twice = sorted(recipient for recipient, arrived in sink.arrivals.items() if arrived != 1)
    if twice:
        problems.append(f"{len(twice)} recipient(s) did not arrive exactly once, e.g. {twice[0]}")
    missing = addresses - set(sink.accepted)
    if missing:
        problems.append(f"{len(missing)} slow recipient(s) never accepted")
    return SlowRun(slow, max(fast, default=started) - started, problems)


def report(runs: Iterator[SlowRun] | list[SlowRun], count: int, delay: float, concurrency: int,
           workdir: Path) -> None:
    """Both times, any problems, and the ratio on the last line."""
    plain, slowed = list(runs)
    print(f"slow recipients: {count:,} messages, concurrency {concurrency}, SQLite in {workdir}; "
          f"{slowed.slow} recipients answer the end of DATA after {delay:g} s")
    print(f"  no slow recipient:           every recipient accepted after {plain.seconds:.2f} s")
    print(f"  {slowed.slow} slow recipients:         the {count - slowed.slow:,} others accepted after "
          f"{slowed.seconds:.2f} s (target <= 1.3x)")
    for problem in plain.problems + slowed.problems:
        print(f"  WARNING: {problem}")
    print(f"slow-recipient delay ratio: {slowed.seconds / plain.seconds:.2f}")
