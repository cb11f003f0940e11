"""Report rows as CSV text, for the REST API's `format=csv` and the dashboard's downloads."""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from aicmo.cam.analytics.daily import SERIES, DayCounts
from aicmo.cam.analytics.service import Funnel

FUNNEL_COLUMNS = ("key", "messages", "queued", "stopped", "sent", "handed_over", "failed", "delivered", "replied",
                  "positive_replies", "hard_bounced", "soft_bounced", "complaints", "unsubscribes", "reached",
                  "reply_rate", "positive_reply_rate", "bounce_rate")


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Comma-separated with a header row; rates as decimals with up to four places."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([round(value, 4) if isinstance(value, float) else value for value in row] for row in rows)
    return out.getvalue()


def days_csv(days: Iterable[DayCounts], first_column: str = "day") -> str:
    return csv_text((first_column, *SERIES), ([day.day.isoformat(), *(getattr(day, name) for name in SERIES)]
                                              for day in days))


def funnels_csv(funnels: Iterable[Funnel], first_column: str) -> str:
    return csv_text((first_column, *FUNNEL_COLUMNS[1:]),
                    ([getattr(funnel, name) for name in FUNNEL_COLUMNS] for funnel in funnels))
