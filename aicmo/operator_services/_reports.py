"""Reports: which channels, steps, variants and campaigns earned the outcomes, and what happened day by day."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from aicmo.cam.analytics.daily import DailySeries, DayCounts, daily_series
from aicmo.cam.analytics.days import week_of
from aicmo.cam.analytics.grades import GradeCount, grade_distribution
from aicmo.cam.analytics.mailbox_daily import MailboxDaily, mailbox_daily
from aicmo.cam.analytics.version import DataVersion, data_version
from aicmo.cam.attribution.rules import Model
from aicmo.cam.attribution.schemas import AttributionReport
from aicmo.cam.attribution.service import By, Scope, attribution
from aicmo.cam.campaigns import service as campaigns
from aicmo.cam.costs import service as costs
from aicmo.cam.deliverability import guard
from aicmo.cam.outcomes.models import MEETING_OR_BETTER, OutcomeKind
from aicmo.db.base import utcnow
from aicmo.errors import InvalidOutcome
from aicmo.settings import get_settings


def get_attribution(db: Session, *, campaign: int | str | None = None, model: Model = Model.LINEAR,
                    by: By = By.CHANNEL, kinds: Iterable[OutcomeKind] = MEETING_OR_BETTER,
                    lookback_days: int = 90, half_life_days: float = 7.0, since: datetime | None = None,
                    until: datetime | None = None) -> AttributionReport:
    """Outcomes (meetings or better unless `kinds` says) credited by the model to what touched their leads within
    the lookback; of the leads one campaign wrote to, or of every lead."""
    if lookback_days < 1 or half_life_days <= 0:
        raise InvalidOutcome("lookback" if lookback_days < 1 else "half_life", "must be more than zero days")
    campaign_id = campaigns.get(db, campaign).id if campaign is not None else None
    scope = Scope(campaign_id=campaign_id, kinds=frozenset(kinds) or MEETING_OR_BETTER,
                  lookback=timedelta(days=lookback_days), since=since, until=until)
    return attribution(db, scope, model, by, half_life=timedelta(days=half_life_days))


def get_data_version(db: Session) -> DataVersion:
    """A fingerprint of the rows reports count: it moves with every new send, event, reply and outcome, and with
    every change of the costs the ROI report charges."""
    return (*data_version(db), costs.version(db))


def _days(days: int, last: date | None) -> tuple[date, date]:
    if not 1 <= days <= 3660:
        raise InvalidOutcome("days", "must be from 1 to 3660")
    end = last or utcnow().date()
    return end - timedelta(days=days - 1), end


def get_campaign_daily(db: Session, campaign: int | str, *, days: int = 30, last: date | None = None) -> DailySeries:
    """Per UTC day over the `days` days ending `last` (today), what happened to the campaign's messages: sends,
    deliveries, replies, positive replies, meetings of the leads it wrote to, and bounces, each when it happened."""
    first, end = _days(days, last)
    return daily_series(db, campaign_id=campaigns.get(db, campaign).id, first=first, last=end)


def get_trends(db: Session, *, weeks: int = 12, last: date | None = None) -> list[DayCounts]:
    """Across every campaign, the same figures per ISO week (keyed by its Monday), the last `weeks` weeks."""
    end = last or utcnow().date()
    first = week_of(end) - timedelta(weeks=weeks - 1)
    return daily_series(db, campaign_id=None, first=first, last=end).weekly()


def get_grade_distribution(db: Session) -> list[GradeCount]:
    """Leads per grade (A to D, then ungraded)."""
    return grade_distribution(db)


def get_mailbox_daily(db: Session, *, days: int = 30, last: date | None = None) -> list[MailboxDaily]:
    """Each mailbox's sends, bounces and complaints per UTC day, with the rates the deliverability guard pauses
    it above."""
    first, end = _days(days, last)
    applied = guard.thresholds(db, get_settings())
    return mailbox_daily(db, first=first, last=end, bounce_threshold=applied.bounce_rate,
                         complaint_threshold=applied.complaint_rate)
