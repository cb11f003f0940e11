"""Exponential backoff with full jitter: one policy for channel retries, soft bounces and webhook deliveries."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    base: timedelta = timedelta(seconds=60)
    cap: timedelta = timedelta(hours=6)
    max_retries: int = 3


def backoff(policy: RetryPolicy, retry: int, rand: Callable[[], float] = random.random) -> timedelta:
    """The wait before retry number `retry` (1-based): full jitter, uniform in [0, min(cap, base * 2^(retry-1)))."""
    if retry < 1:
        raise ValueError("retries are numbered from 1")
    ceiling = min(policy.cap, policy.base * 2 ** (retry - 1))
    return timedelta(seconds=ceiling.total_seconds() * rand())
