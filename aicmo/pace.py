"""When a running send counts as slow: a few times longer than sends usually take here, and never later than a cap.

A fixed threshold is either too long for a fast server (a slow recipient holds a place for seconds while hundreds
of others could have gone) or too short for a server that always takes a while (every send would count as slow).
So it follows the median of the recent sends, which one slow recipient does not move.
"""

import statistics
from collections import deque


class SlowAfter:
    def __init__(self, most: float, *, factor: float = 4.0, least: float = 0.05, window: int = 50) -> None:
        self.most, self.factor, self.least = most, factor, least
        self._recent: deque[float] = deque(maxlen=window)
        self.seconds = most  # nothing seen yet: only the cap

    def observe(self, seconds: float) -> None:
        """Take a finished send's duration into account."""
        self._recent.append(seconds)
        self.seconds = min(self.most, max(self.least, self.factor * statistics.median(self._recent)))
